// Reads `--diagnostics <file.json>`: an array of problems in Deep Review's own shape
// (1-based lines) or in the LSP / VS Code shape (0-based `range`, numeric severity).
import * as z from 'zod';
import { diagnosticSchema, type Diagnostic } from '../core/requests/request';
import { UsageError } from './cliArgs';

const lspSeverity = ['error', 'warning', 'information', 'hint'] as const;
const lspDiagnosticSchema = z.object({
  message: z.string(),
  severity: z.number().int().min(1).max(4).optional(),
  range: z.object({ start: z.object({ line: z.number().int().min(0), character: z.number().int().min(0) }), end: z.object({ line: z.number().int().min(0), character: z.number().int().min(0) }) }),
  source: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
});

export function parseDiagnosticsJson(text: string, fileName: string): Diagnostic[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${fileName} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Array.isArray((raw as { diagnostics?: unknown }).diagnostics) ? (raw as { diagnostics: unknown[] }).diagnostics : undefined;
  if (!list) throw new UsageError(`${fileName} must hold an array of diagnostics (or {"diagnostics": [...]}).`);
  return list.map((item, i) => {
    const own = diagnosticSchema.safeParse(item);
    if (own.success) return own.data;
    const lsp = lspDiagnosticSchema.safeParse(item);
    if (lsp.success) {
      const d = lsp.data;
      return {
        message: d.message,
        severity: lspSeverity[(d.severity ?? 1) - 1] ?? 'error',
        startLine: d.range.start.line + 1,
        endLine: d.range.end.line + 1,
        startColumn: d.range.start.character + 1,
        endColumn: d.range.end.character + 1,
        source: d.source,
        code: d.code,
      };
    }
    throw new UsageError(`${fileName}: diagnostic #${i + 1} needs "message" and either startLine/endLine/severity ("error"|"warning"|…) or an LSP "range".`);
  });
}
