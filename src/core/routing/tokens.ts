// A provider-independent token estimate, for budgets before sending and for providers that
// report no counts. About four characters a token for English and code; rounded up so
// worst-case estimates err on the side of caution.
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
