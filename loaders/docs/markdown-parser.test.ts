/**
 * Docs pages are parsed by Satteri (Rust) instead of remark-parse when it builds the same
 * tree (markdown.ts). These tests hold that premise: on the constructs docs use and their
 * edge cases, Satteri's mdast equals remark's, positions included; the constructs where it
 * does not are all sent to remark. A Satteri upgrade that reads anything differently fails
 * here before it can change a page (the docs golden test covers whole pages).
 */
import type { Root } from 'mdast';
import { markdownToMdast } from 'satteri';
import { unified } from 'unified';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { remarkDefinitionList } from 'remark-definition-list';
import { describe, expect, it } from 'vitest';
import { parsedByRemark, SATTERI_FEATURES } from './markdown.ts';

const remark = unified().use(remarkParse).use(remarkGfm).use(remarkDefinitionList);

/** A tree with its keys sorted and undefined values dropped, for a comparison by value. */
function normal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normal);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, normal(v)]),
  );
}
const byRemark = (text: string) => normal(remark.runSync(remark.parse(text)) as Root);
const bySatteri = (text: string) => normal(markdownToMdast(text, { features: SATTERI_FEATURES }));

const SAME = [
  // Inline: emphasis, code, links, images, references, entities, escapes, breaks.
  '*foo**bar**baz* **foo*bar*baz** *foo*bar _foo_bar_ foo-_(bar)_ *(*foo*)* a * b * c',
  '__foo, __bar__, baz__ ***strong emph*** **a**b**c** *a\nb*',
  '`code` `` ` `` ````x```` and `` a ` b `` and ` c `',
  '[a](b(c)d) [a](<b)c>) [![img](i.png)](link) [a](b "c \\" d") [link](<a b> "t") [l2](a\\)b)',
  '[a]: <b c>\n  "title"\n\n[a] [foo][] [A]\n\n[foo]: /u\n[A]: /a',
  '![img](a.png "t") ![ref][r]\n\n[r]: b.png',
  '&amp; &copy; &#35; &#x22; &bogus; &nbsp;&lt;&gt;&quot; \\*escaped\\* \\# hash \\<div>',
  'line  \nbreak\\\nagain  \n  and a<br>b<br/>c',
  '<http://a.b/c d> <a@b.c> <javascript:alert(1)> <https://auto.link>',
  // GFM: literal autolinks, strikethrough, tables, task lists.
  'www.example.com, https://example.com/path?x=1. and mail@example.com! (www.a.com)',
  'http://a.b/c_(d) and https://x.y/z). foo@bar.baz. mailto:foo@bar.com xmpp:a@b.c/d',
  'www.commonmark.org/he<lp Visit www.x.com/a(b)c)d https://x.com/~user a.b@c.d-e_f.g www.x.com/a?b=c&d=e#f.',
  '~one~ and ~~two~~ and ~~~three~~~ a~b~c ~~a~~b',
  '| a | b |\n|---|:-:|\n| 1 | 2 \\| 3 |\n| `x|y` | z |',
  'a | b\n--|--\nc | d\n\n| a |\n| - |\n\n| table | no end\n|---|---\n| c |',
  '- [ ] todo\n- [x] done\n1. [X] ordered\n\n* [ ]\n* [ ] \n- [ ]task\n- [x]\ttab',
  // Blocks: headings, code, HTML, quotes, lists, rules.
  'Setext\n===\n\nTwo\n---\n\n# H1 #\n## H2 ##   \n####### no\n#hashtag\n#\tTab heading\n# \n',
  '    indented code\n\n```js title="x"\ncode\n```\n~~~\ntilde\n~~~\n\n  ```\n  indented fence\n  ```\n\n\tcode\n\tmore',
  'a\n```\nb\n```\nc\n\n``` md\n```\n\n```\nunclosed',
  '<div>\n*not md*\n</div>\n\n<span>*md*</span>\n\n<!-- c -->\n\n<details><summary>S</summary>\n\nbody\n\n</details>',
  '<script>\nx *y*\n</script>\n*z*\n\n<pre>\n  a\n</pre>\n\n<style>p{}</style>\n\n<?php x ?>\n\n<!DOCTYPE html>\n\n<![CDATA[\nx\n]]>',
  '<table><tr><td>\n*a*\n</td></tr></table>\n\n<custom-el attr>\ntext\n</custom-el>\n\n<a href="x">\n*y*\n</a>',
  '> quote\n> - list\n>   more\n\n> lazy\ncontinuation\n\n> > nested\n> back',
  '1. one\n2. two\n\n   para\n3) three\n\n10) x\n11) y',
  '- a\n\n- b\n  - c\n\t- tab\n\n- a\n - b\n  - c\n   - d\n    - e',
  '- ```\n  code\n  ```\n- x\n\n-\n  foo\n-\n  ```\n  bar\n  ```\n\n1.  a\n\n    b\n\n- a\n-\n- c\n\n- a\n\n  > q\n- b',
  '***\n---\n___\n\nx\n\n* * *\n\nHeading\n= = =\n\npara\n    not code',
  // Text: tabs, CRLF, unicode, trailing space, empty documents, things remark leaves as text.
  '\ttab\tinside\n\na\r\nb\r\n\r\nc\n\nemoji 🎉 and ünïcödé a\u00a0b\u2003c   ',
  '', '\n\n\n', '[]()',
  // HTML comments outside lists, and other HTML blocks inside them.
  '<!-- c -->\n* b\n\npara\n<!-- c -->\nmore\n\n> <!-- c -->\n> x',
  '* a\n  <div>\n  x\n  </div>\n* b\n* c\n  <div>x</div>\n* d',
  // Front matter that is not YAML stays in the page (markdown.ts splits off the rest).
  '---\nnot: [yaml\n---\n\nBody',
  'Hello :smile: world\n\n> [!NOTE]\n> alert body\n\nH~2~O and 2^10^ $x$ and $$y$$\n\n:::note\ncontent\n:::\n\n## Title {#id .cls}',
  'a: b\nkey: value in a paragraph',
];

/** What Satteri reads differently from remark: each must be parsed by remark. */
const DIFFERENT = [
  'Term\n: definition',
  'Term\n\n: not a definition list?',
  '> Term\n> : def',
  'a[^x y]\n\n[^x y]: z',
  '[link [^1]](u)\n\n[^1]: n',
  '[^ a]\n\n[^ a]: x',
  '[^a\\]]\n\n[^a\\]]: x',
  // A bare URL or address that runs into a cell's bar: Satteri links on into the next cell.
  '|a|b|\n|-|-|\n|"https://example.com/about"|text|',
  '| a | b |\n|---|---|\n| www.example.com| x |',
  // HTML blocks that end on their own, at the end of a list item: Satteri keeps a line break.
  '* a\n  <!-- c -->\n* b',
  '1. a\n   <?php x ?>\n2. b',
  '* <!-- c -->\n* b',
  '* a\n\n  <script>x</script>\n* b',
];

describe('Satteri builds the tree remark builds', () => {
  it.each(SAME)('for %j', (text) => {
    expect(bySatteri(text)).toEqual(byRemark(text));
  });

  it.each(DIFFERENT)('except for %j, which remark parses', (text) => {
    expect(bySatteri(text)).not.toEqual(byRemark(text));
    expect(parsedByRemark(text)).toBe(true);
  });

  it('sends remark every page with a line that starts with a colon, a footnote, a URL against a bar, or over 32 KiB; the rest to Satteri', () => {
    for (const text of ['- Term\n  : def', 'Footnote[^1].\n\n[^1]: The note', ':::note\ncontent\n:::']) expect(parsedByRemark(text), text).toBe(true);
    // An HTML comment at the top level stays with Satteri.
    expect(parsedByRemark('<!-- generated -->\n# Title\n\nText.')).toBe(false);
    // A table with links in it, spaced from the bars, stays with Satteri.
    expect(parsedByRemark('| a | b |\n|---|---|\n| https://example.com/x | www.example.com |')).toBe(false);
    // Linear: a page of 30,000 at-signs is checked at once.
    const started = performance.now();
    expect(parsedByRemark(`${'@'.repeat(30_000)}|`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
    // Long pages too: Satteri's time grows with the square of some hostile ones.
    expect(parsedByRemark('a_'.repeat(20_000))).toBe(true);
    expect(parsedByRemark('a_'.repeat(10_000))).toBe(false);
    for (const text of ['# Setup\n\nNote: a colon mid-line, https://example.com and [a link](x.md).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n', SAME[0] ?? '']) expect(parsedByRemark(text), text).toBe(false);
  });
});
