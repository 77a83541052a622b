// Markdown from a model is untrusted. This renderer is safe by construction: raw HTML in the
// markdown is shown as text, links survive only as http(s) or in-page anchors, and images only
// as inline data (no remote loads). The webview adds DOMPurify on top; the HTML export adds a
// CSP that allows no script at all. Pure: runs in Node (CLI, exports) and in the webview.
import { Marked, type Tokens } from 'marked';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const SAFE_LINK = /^(https?:\/\/|#)/i;
const SAFE_IMAGE = /^data:image\/(png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]+$/i;

const safe = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, { href, title, tokens }: Tokens.Link): string {
      const text = this.parser.parseInline(tokens);
      if (!SAFE_LINK.test(href.trim())) return text;
      const t = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(href.trim())}"${t} rel="noopener noreferrer">${text}</a>`;
    },
    image({ href, title, text }: Tokens.Image): string {
      if (!SAFE_IMAGE.test(href.trim())) return escapeHtml(text ? `[image: ${text}]` : '[image]');
      const t = title ? ` title="${escapeHtml(title)}"` : '';
      return `<img src="${escapeHtml(href.trim())}" alt="${escapeHtml(text)}"${t}>`;
    },
  },
});

export function renderSafeMarkdown(markdown: string): string {
  return safe.parse(markdown) as string;
}
