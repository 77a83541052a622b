export declare const SUITE_OUTPUT_MARK: string;
export declare function suiteOutputLine(raw: string): string | undefined;
