// JSON Lines as providers send result files: one JSON value per line, blank lines allowed; a
// torn or unreadable line is skipped (its request then shows as "no result"), never fatal.
export function parseJsonLines(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      out.push(JSON.parse(trimmed));
    } catch {
      // skipped: see above
    }
  }
  return out;
}

export function toJsonLines(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n') + '\n';
}
