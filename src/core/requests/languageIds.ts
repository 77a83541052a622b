// VS Code language ids by file extension, for code that has only a path (the CLI, change sets).
const LANGUAGES: Record<string, string> = { ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', mjs: 'javascript', cjs: 'javascript', py: 'python', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp', rb: 'ruby', php: 'php', swift: 'swift', json: 'json', sh: 'shellscript', sql: 'sql', yaml: 'yaml', yml: 'yaml', md: 'markdown' };

export function languageIdForPath(path: string): string {
  return LANGUAGES[path.split('.').pop()?.toLowerCase() ?? ''] ?? 'plaintext';
}
