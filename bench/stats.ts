// Summary statistics for benchmark samples (milliseconds).
export interface Stats {
  n: number;
  medianMs: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function stats(values: readonly number[]): Stats {
  const ms = [...values].sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(q * ms.length) - 1))]!;
  return {
    n: ms.length,
    medianMs: median(ms),
    p95Ms: at(0.95),
    meanMs: ms.reduce((s, x) => s + x, 0) / ms.length,
    minMs: ms[0]!,
    maxMs: ms[ms.length - 1]!,
  };
}
