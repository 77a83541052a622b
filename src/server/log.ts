// Structured logs: one JSON object per line on stdout, never a token, key or code.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export function jsonLogger(component: string, out: NodeJS.WritableStream = process.stdout): Logger {
  return (level, msg, fields = {}) => {
    out.write(`${JSON.stringify({ ts: new Date().toISOString(), level, component, msg, ...fields })}\n`);
  };
}

export const silentLogger: Logger = () => undefined;
