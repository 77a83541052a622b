// Model output is untrusted: the shared safe renderer (raw HTML escaped, only http(s) links,
// no remote images) and then DOMPurify as a second line, which strips scripts, handlers,
// javascript: URLs and SVG/MathML should anything slip through.
import DOMPurify from 'dompurify';
import { renderSafeMarkdown } from '../src/markdown/safeMarkdown';

export function renderMarkdown(markdown: string): string {
  return DOMPurify.sanitize(renderSafeMarkdown(markdown), {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math'],
    FORBID_ATTR: ['style'],
    ALLOWED_URI_REGEXP: /^(?:https?:|#|data:image\/(?:png|gif|jpe?g|webp);)/i,
  });
}
