// Shared by the Review Changes tests (CLI and VS Code): numbered source files to change, and an
// Anthropic stream answering with one finding per given line.
import type { ScriptedResponse } from './modelServer';
import { anthropicEvents, namedSse, sseResponse } from './transcripts';

/** Twelve lines `export const <name><n> = <n>;`, with the given lines replaced. */
export function numberedSource(name: string, replace: Record<number, string> = {}): string {
  return `${Array.from({ length: 12 }, (_, i) => replace[i + 1] ?? `export const ${name}${i + 1} = ${i + 1};`).join('\n')}\n`;
}

/** A model answer with one finding on each of the given lines. */
export function findingsOnLines(lines: number[]): ScriptedResponse {
  const text = JSON.stringify({
    summary: 'Checked the change.',
    findings: lines.map((l) => ({ title: `Problem on line ${l}`, severity: 'medium', confidence: 0.8, startLine: l, endLine: l, explanation: `Line ${l}.` })),
    answer: 'See the findings.',
  });
  return sseResponse(namedSse(anthropicEvents({ thinking: ['Reading the diff.'], text: [text], inputTokens: 900, outputTokens: 300 })));
}
