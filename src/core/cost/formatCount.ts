// Thousands separators without Intl: the first toLocaleString() call loads ICU data (~40 ms
// here), which must not happen during activation.
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
