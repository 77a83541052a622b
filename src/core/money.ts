// Money for people, in one place: every surface (status bar, tooltip, panel, cost report,
// exports, CLI) formats dollars through here, so "unknown" and sub-cent amounts read the same
// everywhere. An unknown cost is never shown as $0, and a non-zero spend never as "$0.00".
//
// The Intl formatters are created on first use, never at import: creating one loads ICU data
// (tens of ms), which must stay off the extension's activation path. Zero needs no formatter.

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
    return cents().format(usd);
  }
  if (abs < 0.00005) return `${sign}<$0.0001`;
  return detail().format(usd);
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
