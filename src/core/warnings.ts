// Where the core reports things the user should know but that must not stop the work
// (a corrupted cache entry dropped, a finding clamped to the target).
export type WarningSink = (message: string) => void;

export const ignoreWarnings: WarningSink = () => undefined;
