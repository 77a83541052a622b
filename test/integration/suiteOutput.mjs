// What the integration suite prints carries a mark (added in test/integration/index.ts), so the
// code-server runner can show it and hide the workbench's own chatter (lifecycle notes, stack
// traces of its internal errors), which arrives on the same channel.
export const SUITE_OUTPUT_MARK = '\u2063';

/** The line to print for a message from the workbench, or undefined to keep it out of the report. */
export function suiteOutputLine(raw) {
  return raw.includes(SUITE_OUTPUT_MARK) ? raw.replaceAll(SUITE_OUTPUT_MARK, '') : undefined;
}
