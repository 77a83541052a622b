// The results panel's HTML shell. Pure (no `vscode` import) so the webview tests load the
// exact page, CSP included, that VS Code shows.

export interface PanelHtmlAssets {
  /** `webview.cspSource`: the origin allowed for the bundle, styles and fonts. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: string[];
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `connect-src 'none'`,
    `form-action 'none'`,
    `frame-src 'none'`,
    `base-uri 'none'`,
  ].join('; ');
}

export function panelHtml(a: PanelHtmlAssets): string {
  const styles = a.styleUris.map((u) => `<link rel="stylesheet" href="${u}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(a.cspSource, a.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>Deep Review</title>
</head>
<body>
<script nonce="${a.nonce}" src="${a.scriptUri}"></script>
</body>
</html>`;
}
