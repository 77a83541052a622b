// Money for people, in one place: every surface (status bar, tooltip, panel, cost report,
// exports, CLI) formats dollars through here, so "unknown" and sub-cent amounts read the same
// everywhere. An unknown cost is never shown as $0, and a non-zero spend never as "$0.00".
//
// The Intl formatters are created on first use, never at import: creating the first one loads
// ICU data (20–50 ms here), which must stay off the extension's activation and start-up path.
// They are only needed for thousands separators: below $1,000 the same rounding (half up on the
// shortest decimal form) prints the same digits without ICU (test/unit/money.test.ts sweeps it).

/** How an unknown (unpriced) cost reads. */
export const UNKNOWN_COST_TEXT = 'unknown';

/**
 * cents: whole cents ("$1,234.50", "$0.42"), and for a non-zero amount under a cent "<$0.01".
 * detail: cents from $1 up; below $1 up to four decimals ("$0.0025", "$0.1235"), and "<$0.0001"
 * below that.
 */
export type MoneyPrecision = 'cents' | 'detail';

let centsFormat: Intl.NumberFormat | undefined;
let detailFormat: Intl.NumberFormat | undefined;

function cents(): Intl.NumberFormat {
  centsFormat ??= new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return centsFormat;
}

function detail(): Intl.NumberFormat {
  detailFormat ??= new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
  return detailFormat;
}

/** Dollars, or "unknown" for null (a cost that could not be priced). */
export function formatUsd(usd: number | null, precision: MoneyPrecision = 'detail'): string {
  if (usd === null) return UNKNOWN_COST_TEXT;
  if (!Number.isFinite(usd)) return UNKNOWN_COST_TEXT;
  if (usd === 0) return '$0.00';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (precision === 'cents' || abs >= 1) {
    // Anything that would round to $0.00 is said to be under a cent instead.
    if (abs < 0.005) return `${sign}<$0.01`;
    return abs < 999.995 ? `${sign}$${fixed(abs, 2)}` : cents().format(usd);
  }
  if (abs < 0.00005) return `${sign}<$0.0001`;
  return `${sign}$${fixed(abs, 4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

/**
 * `digits` decimals, rounded half up on the number's shortest decimal form (0.015 → "0.02"),
 * as ICU does; toFixed alone rounds the binary value (0.01499… → "0.01"). For 1e-6 ≤ n < 1e21.
 */
function fixed(n: number, digits: number): string {
  const [int = '0', frac = ''] = String(n).split('.');
  if (frac.length <= digits) return `${int}.${frac.padEnd(digits, '0')}`;
  const up = frac.charCodeAt(digits) >= 53; // the next digit is 5 or more
  const scaled = (BigInt(int + frac.slice(0, digits)) + (up ? 1n : 0n)).toString().padStart(digits + 1, '0');
  return `${scaled.slice(0, -digits)}.${scaled.slice(-digits)}`;
}

/** For the tests: the Intl formatters, to check the fast path prints what they print. */
export function intlUsd(usd: number, precision: MoneyPrecision): string {
  return (precision === 'cents' ? cents() : detail()).format(usd);
}

/**
 * A total of known costs plus a count of jobs whose cost is unknown: "$0.42",
 * "$0.42 + 3 unpriced", or "3 unpriced" when nothing priced was spent.
 */
export function formatSpend(knownUsd: number, unpricedJobs: number, precision: MoneyPrecision = 'cents'): string {
  if (unpricedJobs <= 0) return formatUsd(knownUsd, precision);
  const unpriced = `${unpricedJobs} unpriced`;
  return knownUsd === 0 ? unpriced : `${formatUsd(knownUsd, precision)} + ${unpriced}`;
}

/** Dollars for a screen reader: "0.42 dollars", "less than a cent", "cost unknown". */
export function spokenUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return 'cost unknown';
  if (usd > 0 && usd < 0.005) return 'less than a cent';
  return `${formatUsd(usd, 'cents').replace('$', '')} dollars`;
}
