import { describe, expect, it } from 'vitest';
import { CodeHighlighter } from './highlight.ts';
import { UNINDEXED_END, UNINDEXED_START } from '../../src/integrations/search-copy.ts';
import { joinDocPath, renderDocsPage, type RenderContext } from './markdown.ts';

/** A docs tree of three pages and one image, under /docs/x/. */
const files = new Set(['index.md', 'guide/setup.md', 'guide/index.md', 'images/logo.png']);
const context: RenderContext = {
  highlighter: new CodeHighlighter(),
  resolve: ({ docPath, page }) => {
    if (!files.has(docPath)) return undefined;
    return page ? `/docs/x/${docPath.replace(/(index)?\.md$/, '')}` : `/docs/x/${docPath}`;
  },
};
const render = (markdown: string, docPath = 'guide/setup.md') => renderDocsPage(markdown, { docPath }, context);
const html = async (markdown: string) => (await render(markdown)).html;

describe('Markdown constructs TechDocs authors write', () => {
  it('admonitions with custom titles, nesting and default titles', async () => {
    const out = await html('!!! warning "Mind the gap"\n    Body **bold**.\n\n    !!! note\n        Nested.\n');
    expect(out).toContain('<div class="admonition warning">\n<p class="admonition-title">Mind the gap</p>\n<p>Body <strong>bold</strong>.</p>');
    expect(out).toContain('<div class="admonition note">\n<p class="admonition-title">Note</p>\n<p>Nested.</p>');
  });

  it('collapsible admonitions, closed and open', async () => {
    expect(await html('??? tip "More"\n    Hidden.\n')).toContain('<details class="admonition tip">\n<summary>More</summary>\n<p>Hidden.</p>');
    expect(await html('???+ info\n    Shown.\n')).toContain('<details class="admonition info" open>\n<summary>Info</summary>');
  });

  it('content tabs, clickable without JavaScript', async () => {
    const out = await html('=== "One"\n    first\n\n=== "Two"\n    second\n');
    expect(out).toContain('<label><input type="radio" name="user-content-tabbed-1" checked> One</label>');
    expect(out).toContain('<label><input type="radio" name="user-content-tabbed-1"> Two</label>');
    expect(out.match(/class="tabbed-block"/g)).toHaveLength(2);
  });

  it('fenced code with title, line numbers and highlighted lines, highlighted at build time', async () => {
    const out = await html('```py title="a.py" linenums="5" hl_lines="2"\nx = 1\ny = 2\n```\n');
    expect(out).toContain('<figure class="code-block"><figcaption>a.py</figcaption><pre class="shiki shiki-themes github-light github-dark line-numbers"');
    expect(out).toContain('counter-reset:line 4');
    expect(out).toContain('<span class="line highlighted">');
    expect(out).toContain('--shiki-dark:');
  });

  it('the pymdownx attribute form of a fence', async () => {
    expect(await html('``` { .python linenums="1" }\nprint(1)\n```\n')).toContain('line-numbers');
  });

  it('tables, footnotes, task lists and strikethrough (GFM)', async () => {
    const out = await html('| a |\n|---|\n| 1 |\n\nNote[^1] ~~old~~\n\n[^1]: Text.\n\n- [x] done\n');
    expect(out).toContain('<table>');
    expect(out).toContain('<a href="#user-content-fn-1" id="user-content-fnref-1"');
    expect(out).toContain('<li id="user-content-fn-1">');
    expect(out).toContain('<del>old</del>');
    expect(out).toContain('<input type="checkbox" checked disabled> done');
  });

  it('definition lists, abbreviations, mark, insert and emoji', async () => {
    const out = await html('Term\n:   Meaning\n\nThe API uses ==this== and ^^that^^ :rocket:\n\n*[API]: Application Programming Interface\n');
    expect(out).toContain('<dl>\n<dt>Term</dt>\n<dd>Meaning');
    expect(out).toContain('<abbr title="Application Programming Interface">API</abbr>');
    expect(out).toContain('<mark>this</mark>');
    expect(out).toContain('<ins>that</ins>');
    expect(out).toContain('🚀');
  });

  it('attribute lists on headings and images', async () => {
    const out = await html('## Setup {#install .big}\n\n![logo](../images/logo.png){ width="120" onclick="x" }\n');
    expect(out).toContain('<h2 id="install" class="big">Setup<a class="heading-anchor" aria-label="Link to this section" data-pagefind-ignore="" href="#install">#</a></h2>');
    expect(out).toContain('<img src="/docs/x/images/logo.png" alt="logo" width="120">');
  });

  it('GitHub alerts and Mermaid diagrams', async () => {
    const page = await render('> [!WARNING]\n> Careful.\n\n```mermaid\ngraph TD; A-->B;\n```\n');
    expect(page.html).toContain('markdown-alert-warning');
    expect(page.html).toContain('<pre class="mermaid">graph TD; A-->B;</pre>');
    expect(page.hasMermaid).toBe(true);
  });

  it('headings get permalinks and a table of contents; the title comes from front matter or the first h1', async () => {
    const page = await render('---\ntitle: From front matter\n---\n# Big\n\n## First\n\n### Second\n\n#### Too deep\n');
    expect(page.title).toBe('From front matter');
    expect(page.headings).toEqual([
      { depth: 2, id: 'first', text: 'First' },
      { depth: 3, id: 'second', text: 'Second' },
    ]);
    expect((await render('# Only heading\n')).title).toBe('Only heading');
  });
});

describe('links and images', () => {
  it('rewrites relative links to built URLs, keeping anchors', async () => {
    const out = await html('[a](../index.md) [b](index.md#part) [c](./) [d](https://example.com) [e](#local)');
    expect(out).toContain('<a href="/docs/x/">a</a>');
    expect(out).toContain('<a href="/docs/x/guide/#part">b</a>');
    expect(out).toContain('<a href="/docs/x/guide/">c</a>');
    expect(out).toContain('<a href="https://example.com">d</a>');
    expect(out).toContain('<a href="#local">e</a>');
  });

  it('reports broken links and images with their line, and links that leave the docs', async () => {
    const page = await render('# T\n\n[gone](missing.md)\n\n![nope](../images/none.png)\n\n[out](../../../secret.md)\n\n[root](/abs/path)\n');
    expect(page.problems).toMatchInlineSnapshot(`
      [
        {
          "column": 1,
          "line": 3,
          "message": "link "missing.md" points at guide/missing.md, which does not exist",
        },
        {
          "column": 1,
          "line": 5,
          "message": "image "../images/none.png" points at images/none.png, which does not exist",
        },
        {
          "column": 1,
          "line": 7,
          "message": "link "../../../secret.md" leaves the docs folder",
        },
        {
          "column": 1,
          "line": 9,
          "message": "link "/abs/path" is absolute to the site root; link to the file relative to this page instead",
        },
      ]
    `);
  });

  it('joins paths inside the docs tree only', () => {
    expect(joinDocPath('a/b.md', '../c.md')).toBe('c.md');
    expect(joinDocPath('a/b.md', 'd/')).toBe('a/d/');
    expect(joinDocPath('a/b.md', '../../c.md')).toBeUndefined();
  });
});

describe('sanitising raw HTML', () => {
  it('drops scripts, event handlers, styles, iframes and javascript: URLs', async () => {
    const out = await html(
      [
        '<script>alert(1)</script>',
        '<img src="x.png" onerror="alert(2)">',
        '<a href="javascript:alert(3)">j</a> <a href="JaVaScRiPt:alert(4)">k</a>',
        '<div onclick="alert(5)" style="position:fixed">d</div>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg><script>alert(6)</script></svg>',
        '[md](javascript:alert(7))',
        '<details open><summary>ok</summary>kept</details>',
      ].join('\n\n'),
    );
    expect(out).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|style="position/i);
    expect(out).toContain('<details open><summary>ok</summary>kept</details>');
  });

  it('keeps code in fences as text, never as markup', async () => {
    const out = await html('```html\n<script>alert(1)</script>\n```\n');
    expect(out).not.toContain('<script>');
    expect(out).toContain('&#x3C;');
  });
});

describe('the search copy\'s markers in a docs page', () => {
  it('cannot come from a repository: HTML comments, its own or the markers, are dropped', async () => {
    for (const text of [`Before ${UNINDEXED_START}hidden words${UNINDEXED_END} after.\n`, `${UNINDEXED_START}\n\n# Heading\n\n${UNINDEXED_END}\n`]) {
      const out = await html(text);
      expect(out).not.toContain('<!--');
      expect(out).toContain(text.includes('hidden') ? 'hidden words' : 'Heading');
    }
  });
});
