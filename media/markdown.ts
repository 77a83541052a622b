// Model output is untrusted: markdown is rendered with marked and then sanitized by DOMPurify,
// which drops scripts, event handlers, javascript: URLs, SVG/MathML payloads and forms.
// Remote images are dropped too (the CSP would block them anyway; removing them avoids noise).
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

let hooksInstalled = false;
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      // Only plain web links and in-page anchors survive; they open outside the webview.
      if (!/^(https?:|#)/i.test(href)) node.removeAttribute('href');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    if (node.tagName === 'IMG') {
      const src = node.getAttribute('src') ?? '';
      if (!/^data:image\/(png|gif|jpe?g|webp);/i.test(src)) node.remove();
    }
  });
}

export function renderMarkdown(markdown: string): string {
  installHooks();
  const html = marked.parse(markdown) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
  });
}
