import * as assert from 'node:assert/strict';
import { renderSafeMarkdown } from '../../../src/markdown/safeMarkdown';

describe('safe markdown', () => {
  it('renders ordinary markdown', () => {
    const html = renderSafeMarkdown('## Title\n\nUse `a < b` and [docs](https://example.com).\n\n```ts\nconst x = 1;\n```');
    assert.match(html, /<h2>Title<\/h2>/);
    assert.match(html, /<code>a &lt; b<\/code>/);
    assert.match(html, /<a href="https:\/\/example.com" rel="noopener noreferrer">docs<\/a>/);
    assert.match(html, /<pre><code class="language-ts">/);
  });

  const payloads: [string, RegExp][] = [
    ['<script>alert(1)</script>', /<script/i],
    ['<img src=x onerror=alert(1)>', /<img/i],
    ['[click](javascript:alert(1))', /href="javascript/i],
    ['[click](JaVaScRiPt:alert(1))', /href=/i],
    ['<svg><script>alert(1)</script></svg>', /<svg/i],
    ['![tracker](https://evil.example/pixel.png)', /<img/i],
    ['<iframe src="https://evil.example"></iframe>', /<iframe/i],
    ['<a href="javascript:alert(1)">x</a>', /<a /i],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', /href=/i],
    ['<div onclick="alert(1)">x</div>', /<div/i],
  ];
  for (const [payload, forbidden] of payloads) {
    it(`neutralizes ${payload}`, () => {
      const html = renderSafeMarkdown(`text before\n\n${payload}\n\ntext after`);
      assert.doesNotMatch(html, forbidden);
      assert.match(html, /text after/);
    });
  }

  it('keeps inline data images', () => {
    assert.match(renderSafeMarkdown('![dot](data:image/png;base64,iVBORw0KGgo=)'), /<img src="data:image\/png;base64,iVBORw0KGgo="/);
  });
});
