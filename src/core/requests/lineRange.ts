// A line range as people read it: "line 6", "lines 6–8"; in a location, "cart.ts:10" or
// "cart.ts:10-12". One place, so no label ever reads "10-10" or "lines 6–6".

export function lineRangeText(startLine: number, endLine: number): string {
  return startLine === endLine ? `line ${startLine}` : `lines ${startLine}–${endLine}`;
}

/** The same, starting a sentence: "Line 6", "Lines 6–8". */
export function lineRangeSentence(startLine: number, endLine: number): string {
  const text = lineRangeText(startLine, endLine);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "file:10" or "file:10-12". */
export function locationText(file: string, startLine: number, endLine: number): string {
  return startLine === endLine ? `${file}:${startLine}` : `${file}:${startLine}-${endLine}`;
}
