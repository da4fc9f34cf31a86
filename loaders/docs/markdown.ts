import GithubSlugger from 'github-slugger';
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import type { Code, Heading, Image, PhrasingContent, Root as MdastRoot, Text } from 'mdast';
import type { Raw } from 'mdast-util-to-hast';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import { defListHastHandlers, remarkDefinitionList } from 'remark-definition-list';
import remarkEmoji from 'remark-emoji';
import remarkGfm from 'remark-gfm';
import { remarkAlert } from 'remark-github-blockquote-alert';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { parse as parseYaml } from 'yaml';
import { isAbsoluteUrl, normalizeRelative } from '../catalog/repository-paths.ts';
import { parseLineRanges, type CodeHighlighter } from './highlight.ts';
import { preprocessMarkdown } from './preprocess.ts';

/** What rendering one page needs to know about the rest of the site. */
export interface RenderContext {
  /**
   * URL of what a relative link points at: a page (`.md`, or a folder's index) or a file to
   * copy (image, PDF…). Given the target's path in the docs tree and, for pages that live
   * elsewhere (a README used as the index), its path in the repository. Undefined: broken.
   */
  resolve(target: { docPath: string; repoPath?: string; page: boolean }): string | undefined;
  highlighter: CodeHighlighter;
}

/** Where the page being rendered lives. */
export interface PagePaths {
  /** Path in the docs tree, e.g. `guides/setup.md`. */
  docPath: string;
  /** Path in the repository, e.g. `docs/guides/setup.md`. */
  repoPath?: string;
}

/** A heading of the page, for its table of contents. */
import type { TocEntry } from './schema.ts';

export type { TocEntry };

/** A broken link or image, at its line in the Markdown source. */
export interface RenderProblem {
  line?: number;
  column?: number;
  message: string;
}

export interface RenderedPage {
  html: string;
  /** Front matter `title`, else the first level-1 heading. */
  title?: string;
  headings: TocEntry[];
  /** True when the page has Mermaid diagrams (the page then loads the renderer). */
  hasMermaid: boolean;
  problems: RenderProblem[];
}

interface PageData {
  docPath: string;
  repoPath?: string;
  context: RenderContext;
  abbreviations: Map<string, string>;
  codeBlocks: { lang: string; meta: string; value: string }[];
  problems: RenderProblem[];
  headings: TocEntry[];
  h1?: string;
  hasMermaid: boolean;
}

function pageData(file: VFile): PageData {
  const data = file.data['playbill'];
  if (!isPageData(data)) throw new Error('renderDocsPage: missing page data');
  return data;
}

function isPageData(value: unknown): value is PageData {
  return typeof value === 'object' && value !== null && 'docPath' in value && 'codeBlocks' in value;
}

/** `==mark==` and `^^insert^^` (pymdownx.mark / caret), inside one text node. */
const INLINE_MARKS = /(==|\^\^)(?=\S)(.+?)(?<=\S)\1/g;
const ATTR_LIST = /\s*\{:?\s*([^{}]*)\}\s*$/;

/** Any Markdown node that holds others. */
type MdastParent = { children: MdastNode[] };
type MdastNode = MdastRoot['children'][number] | PhrasingContent;

/**
 * Before the HTML: code blocks set aside for highlighting, attribute lists kept, and
 * `==mark==` / `^^insert^^` split out of text, in one walk of the tree in document order
 * (a walk that keeps no list of ancestors: the generic visitor's cost 3% of a page).
 */
function remarkPlaybill() {
  return (tree: MdastRoot, file: VFile) => {
    const data = pageData(file);
    const walk = (parent: MdastParent) => {
      const children = parent.children;
      for (let i = 0; i < children.length; i++) {
        const node = children[i];
        if (!node) continue;
        if (node.type === 'code') {
          setAsideCode(node, data);
          continue;
        }
        if (node.type === 'heading' || node.type === 'image') attachAttributes(node, i, parent);
        else if (node.type === 'text' && INLINE_MARKS.test(node.value)) {
          INLINE_MARKS.lastIndex = 0;
          const parts = splitInlineMarks(node.value);
          children.splice(i, 1, ...parts);
          // The new nodes are not walked: marks do not nest.
          i += parts.length - 1;
          continue;
        }
        if ('children' in node) walk(node);
      }
    };
    walk(tree);
  };
}

/** A code block leaves the Markdown as a numbered placeholder, highlighted after sanitising. */
function setAsideCode(code: Code, data: PageData): void {
  let lang = code.lang ?? '';
  let meta = code.meta ?? '';
  // pymdownx form: ``` { .python linenums="1" }
  if (lang.startsWith('{')) {
    meta = `${lang} ${meta}`.replace(/[{}]/g, ' ');
    lang = /(?:^|\s)\.([\w+#-]+)/.exec(meta)?.[1] ?? '';
  }
  if (lang === 'mermaid') data.hasMermaid = true;
  const id = data.codeBlocks.push({ lang: lang.toLowerCase(), meta, value: code.value }) - 1;
  code.data = { hProperties: { dataPbCode: String(id) } };
}

function splitInlineMarks(value: string): PhrasingContent[] {
  const parts: PhrasingContent[] = [];
  let last = 0;
  for (const match of value.matchAll(INLINE_MARKS)) {
    const at = match.index;
    if (at > last) parts.push({ type: 'text', value: value.slice(last, at) });
    parts.push({
      type: 'emphasis',
      data: { hName: match[1] === '==' ? 'mark' : 'ins' },
      children: [{ type: 'text', value: match[2] ?? '' }],
    });
    last = at + match[0].length;
  }
  if (last < value.length) parts.push({ type: 'text', value: value.slice(last) });
  return parts;
}

/** Attribute lists: `## Title {#id .class}` and `![alt](src){ width="300" }`, kept for after sanitising. */
function attachAttributes(node: Heading | Image, index: number | undefined, parent: { children: unknown[] } | undefined): undefined {
  if (node.type === 'heading') {
    const last = node.children.at(-1);
    if (last?.type !== 'text') return undefined;
    const match = ATTR_LIST.exec(last.value);
    if (!match?.[1]) return undefined;
    last.value = last.value.slice(0, match.index);
    node.data = { ...node.data, hProperties: { ...node.data?.hProperties, dataPbAttrs: match[1] } };
    return undefined;
  }
  if (index === undefined || !parent) return undefined;
  const next = parent.children[index + 1];
  if (!isText(next)) return undefined;
  const match = /^\{:?\s*([^{}]*)\}/.exec(next.value);
  if (!match?.[1]) return undefined;
  next.value = next.value.slice(match[0].length);
  node.data = { ...node.data, hProperties: { ...node.data?.hProperties, dataPbAttrs: match[1] } };
  return undefined;
}

function isText(node: unknown): node is Text {
  return typeof node === 'object' && node !== null && 'type' in node && node.type === 'text' && 'value' in node;
}

const headingTags = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const classy = ['div', 'p', 'span', 'details', 'summary', 'pre', 'code', 'section', 'li', 'ul', 'ol', 'a', 'img', 'label', 'input', 'table', 'blockquote', 'svg', 'path', ...headingTags];

/** GitHub's sanitising rules plus the elements MkDocs extensions produce; never scripts, styles or event handlers. */
const schema: SanitizeSchema = {
  ...defaultSchema,
  tagNames: [...(defaultSchema.tagNames ?? []), 'details', 'summary', 'mark', 'ins', 'abbr', 'dl', 'dt', 'dd', 'label', 'figure', 'figcaption', 'svg', 'path'],
  attributes: {
    ...defaultSchema.attributes,
    ...Object.fromEntries(classy.map((tag) => [tag, [...(defaultSchema.attributes?.[tag] ?? []), 'className']])),
    ...Object.fromEntries(headingTags.map((tag) => [tag, [...(defaultSchema.attributes?.[tag] ?? []), 'className', 'dataPbAttrs']])),
    img: [...(defaultSchema.attributes?.['img'] ?? []), 'className', 'dataPbAttrs', 'width', 'height', 'title', 'loading'],
    pre: ['className'],
    code: ['className', 'dataPbCode'],
    details: ['className', 'open'],
    abbr: ['title'],
    input: [['type', 'checkbox', 'radio'], 'checked', 'disabled', 'name', 'className'],
    svg: ['className', 'viewBox', 'width', 'height', 'ariaHidden'],
    path: ['d', 'fillRule'],
  },
  // Task-list checkboxes come disabled from GFM; content-tab radios must stay clickable.
  required: {},
  // Footnote ids are already prefixed by remark-rehype; names (radio groups) get the prefix here.
  clobber: ['name'],
  protocols: { href: ['http', 'https', 'mailto'], src: ['http', 'https'], cite: ['http', 'https'], longDesc: ['http', 'https'] },
};

/** Reads `#id .class key="value"` from an attribute list, keeping only safe, simple values. */
function parseAttributes(spec: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const classes: string[] = [];
  for (const match of spec.matchAll(/([#.])([\w-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
    if (match[1] === '#' && match[2]) out['id'] = match[2];
    else if (match[1] === '.' && match[2]) classes.push(match[2]);
    else if (match[3]) {
      const key = match[3];
      const value = match[4] ?? match[5] ?? match[6] ?? '';
      if ((key === 'width' || key === 'height') && /^\d+(%|px)?$/.test(value)) out[key] = value;
      else if (key === 'align' && /^(left|right|center)$/.test(value)) out[key] = value;
      else if (key === 'loading' && /^(lazy|eager)$/.test(value)) out[key] = value;
      else if (key === 'title') out[key] = value;
    }
  }
  if (classes.length) out['className'] = classes;
  return out;
}

/** The link appended to every heading with an id, as `<a …>#</a>`. */
const HEADING_ANCHOR = { className: ['heading-anchor'], ariaLabel: 'Link to this section', dataPagefindIgnore: '' };

/**
 * Trusted steps after sanitising, in one walk of the tree (each walk of a page's tree costs
 * as much as a small plugin's work; five separate passes were 13% of rendering a page):
 * attribute lists, heading ids (GitHub's slugs, as rehype-slug gives) and anchors (as
 * rehype-autolink-headings appends them), the table of contents, links and code; then
 * abbreviations.
 */
function rehypePlaybill() {
  return async (tree: HastRoot, file: VFile) => {
    const data = pageData(file);
    const pending: Promise<void>[] = [];
    const slugs = new GithubSlugger();
    const visitElement = (node: Element, index: number, parent: HastRoot | Element): boolean => {
      const attrs = node.properties['dataPbAttrs'];
      if (typeof attrs === 'string') {
        delete node.properties['dataPbAttrs'];
        Object.assign(node.properties, parseAttributes(attrs));
      }
      if (headingTags.includes(node.tagName)) heading(node, data, slugs);
      if (node.tagName === 'a') rewrite(node, 'href', data);
      if (node.tagName === 'img') rewrite(node, 'src', data);
      const inner = node.tagName === 'pre' ? node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code') : undefined;
      const code = inner?.properties['dataPbCode'];
      if (typeof code !== 'string') return true;
      const block = data.codeBlocks[Number(code)];
      if (!block) return true;
      if (block.lang === 'mermaid') {
        parent.children[index] = { type: 'element', tagName: 'pre', properties: { className: ['mermaid'] }, children: [{ type: 'text', value: block.value }] };
        return false;
      }
      const title = /title="([^"]*)"/.exec(block.meta)?.[1];
      const linenums = /linenums="(\d+)"/.exec(block.meta)?.[1];
      const hl = /hl_lines="([^"]*)"/.exec(block.meta)?.[1];
      pending.push(
        data.context.highlighter
          .highlight(block.value.replace(/\n$/, ''), {
            lang: block.lang,
            ...(linenums ? { lineNumbersFrom: Number(linenums) } : {}),
            ...(hl ? { highlightLines: parseLineRanges(hl) } : {}),
          })
          .then((html) => {
            const raw: Raw = { type: 'raw', value: html };
            parent.children[index] = title
              ? { type: 'element', tagName: 'figure', properties: { className: ['code-block'] }, children: [
                  { type: 'element', tagName: 'figcaption', properties: {}, children: [{ type: 'text', value: title }] },
                  raw,
                ] }
              : raw;
          }),
      );
      return false;
    };
    // Document order, parents before children (the order the separate passes saw).
    const walk = (parent: HastRoot | Element) => {
      for (let i = 0; i < parent.children.length; i++) {
        const child = parent.children[i];
        if (child?.type === 'element' && visitElement(child, i, parent)) walk(child);
      }
    };
    walk(tree);
    await Promise.all(pending);

    if (data.abbreviations.size > 0) {
      const names = [...data.abbreviations.keys()].sort((a, b) => b.length - a.length).map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const pattern = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
      visit(tree, 'text', (node, index, parent) => {
        if (!parent || index === undefined || (parent.type === 'element' && ['code', 'pre', 'abbr', 'a'].includes(parent.tagName))) return undefined;
        const parts: ElementContent[] = [];
        let last = 0;
        for (const match of node.value.matchAll(pattern)) {
          if (match.index > last) parts.push({ type: 'text', value: node.value.slice(last, match.index) });
          parts.push({ type: 'element', tagName: 'abbr', properties: { title: data.abbreviations.get(match[0]) ?? '' }, children: [{ type: 'text', value: match[0] }] });
          last = match.index + match[0].length;
        }
        if (parts.length === 0) return undefined;
        if (last < node.value.length) parts.push({ type: 'text', value: node.value.slice(last) });
        parent.children.splice(index, 1, ...parts);
        return index + parts.length;
      });
    }

  };
}

/**
 * A heading: its id from its text when it has none (unique in the page, GitHub's way), the
 * anchor link after its text, and its entry in the table of contents (h2 and h3; the first
 * h1 is the page's title when the front matter has none).
 */
function heading(node: Element, data: PageData, slugs: GithubSlugger): void {
  if (!node.properties['id']) node.properties['id'] = slugs.slug(hastToString(node));
  const id = node.properties['id'];
  if (id) node.children.push({ type: 'element', tagName: 'a', properties: { ...structuredClone(HEADING_ANCHOR), href: `#${String(id)}` }, children: [{ type: 'text', value: '#' }] });
  const classes = node.properties['className'];
  if (Array.isArray(classes) && classes.includes('sr-only')) return;
  const depth = Number(node.tagName.slice(1));
  const text = hastToString(node).replace(/#$/, '').trim();
  if (depth === 1 && data.h1 === undefined) data.h1 = text;
  if ((depth === 2 || depth === 3) && typeof id === 'string') data.headings.push({ depth, id, text });
}

/** Rewrites a relative link or image to its built URL; reports it when it leads nowhere. */
function rewrite(node: Element, attribute: 'href' | 'src', data: PageData): void {
  const value = node.properties[attribute];
  if (typeof value !== 'string' || value === '' || value.startsWith('#') || isAbsoluteUrl(value) || /^mailto:/i.test(value)) return;
  const where = node.position?.start;
  const report = (message: string) =>
    data.problems.push({ ...(where ? { line: where.line, column: where.column } : {}), message });
  if (value.startsWith('/')) {
    report(`${attribute === 'src' ? 'image' : 'link'} "${value}" is absolute to the site root; link to the file relative to this page instead`);
    return;
  }
  const [pathPart = '', hash] = value.split('#', 2);
  const relative = safeDecode(pathPart.split('?')[0] ?? '');
  const docTarget = joinDocPath(data.docPath, relative);
  const repoTarget = data.repoPath === undefined ? undefined : joinDocPath(data.repoPath, relative);
  if (docTarget === undefined && repoTarget === undefined) {
    report(`${attribute === 'src' ? 'image' : 'link'} "${value}" leaves the docs folder`);
    delete node.properties[attribute];
    return;
  }
  const target = docTarget ?? '';
  const isPage = attribute === 'href' && (/\.md$/i.test(target) || target.endsWith('/') || target === '');
  const url = data.context.resolve({
    docPath: isPage ? pageCandidate(target) : target,
    ...(repoTarget !== undefined ? { repoPath: isPage ? pageCandidate(repoTarget) : repoTarget } : {}),
    page: isPage,
  });
  if (url === undefined) {
    report(`${attribute === 'src' ? 'image' : 'link'} "${value}" points at ${target || 'the docs root'}, which does not exist`);
    return;
  }
  node.properties[attribute] = hash ? `${url}#${hash}` : url;
}

function pageCandidate(target: string): string {
  if (target === '' || target.endsWith('/')) return `${target}index.md`;
  return target;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Resolves a relative link against the page's folder, inside the docs folder. */
export function joinDocPath(fromDoc: string, target: string): string | undefined {
  const folder = fromDoc.includes('/') ? fromDoc.slice(0, fromDoc.lastIndexOf('/')) : '';
  const joined = normalizeRelative(`${folder}/${target}`);
  if (joined === undefined) return undefined;
  return target.endsWith('/') && joined !== '' ? `${joined}/` : joined;
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkDefinitionList)
  .use(remarkEmoji, { accessible: false })
  .use(remarkAlert)
  .use(remarkPlaybill)
  .use(remarkRehype, { allowDangerousHtml: true, handlers: defListHastHandlers })
  .use(rehypeRaw)
  .use(rehypeSanitize, schema)
  .use(rehypePlaybill)
  .use(rehypeStringify, { allowDangerousHtml: true });

/**
 * Satteri, a Markdown parser written in Rust (one Astro itself can use), builds the mdast
 * remark-parse builds with GFM about 25 times faster: 0.1 s against 2.8–3.2 s for the 1,231
 * pages of `npm run bench`, where parsing was 45% of rendering a page. What it reads
 * differently goes to remark: remark-definition-list's `: definition` lines (any line that
 * starts with a colon after list or quote markers); footnote labels with spaces or escapes,
 * or inside a link's text (any `[^`); a bare URL that runs into a table cell's `|` (Satteri
 * carries the link on into the next cell); HTML comments and their like inside list items
 * (it keeps the line break after them); long pages (SATTERI_MAX_CHARS); and every page when
 * its native binding cannot load. The rest gives the same HTML: checked on every page of
 * the shared corpus, the sample and the bench, on 1,172 READMEs and docs found in
 * node_modules and on the system, and on the edge cases in markdown-parser.test.ts. Its
 * trees differ from remark's only where no HTML changes: a task-list item's paragraph starts
 * after the checkbox, and a reference's label keeps its entities.
 */
const satteri = await import('satteri').catch(() => undefined);
const REMARK_ONLY = /^[ \t>*+\-0-9.)]*:|\[\^/m;

/**
 * Pages longer than this go to remark: on some hostile inputs Satteri's time grows with the
 * square of the page (intra-word underscores: 8.6 s for 200,000 characters, 38 s for
 * 400,000, where remark takes 0.7 and 1.2 s; thousands of nested quotes likewise), and a
 * repository's page may be 2 MB. At this length such a page costs Satteri a quarter of a
 * second; the corpus's longest page is 2,660 bytes, the bench's 9,500.
 */
const SATTERI_MAX_CHARS = 32_768;

/**
 * True when a line inside a list or quote (anything but `>` before it) opens an HTML block
 * of the kinds that end on their own (`<!--`, `<?`, `<!X`, `<![CDATA[`, `<script`, `<pre`,
 * `<style`, `<textarea`): at the end of a list item Satteri keeps the line break after it.
 */
function htmlBlockInContainer(text: string): boolean {
  for (const match of text.matchAll(/^([ \t>*+\-0-9.)]*)<(?:[!?]|(?:script|pre|style|textarea)\b)/gim)) {
    if (/[^>]/.test(match[1] ?? '')) return true;
  }
  return false;
}

/** True when a bare URL or address (`www.`, `://`, `@`) runs into a `|` with no space between. */
function urlRunsIntoBar(text: string): boolean {
  if (!text.includes('|')) return false;
  // Word by word, so the check stays linear in the page's length.
  for (const word of text.split(/[\s<]+/)) {
    const bar = word.lastIndexOf('|');
    if (bar > 0 && /www\.|:\/\/|@/.test(word.slice(0, bar))) return true;
  }
  return false;
}

/** True when a page (after preprocessing) is parsed by remark rather than Satteri. */
export function parsedByRemark(text: string): boolean {
  return !satteri || text.length > SATTERI_MAX_CHARS || REMARK_ONLY.test(text) || urlRunsIntoBar(text) || htmlBlockInContainer(text);
}

/** Satteri's options: GFM, and no front matter (split off before). */
export const SATTERI_FEATURES = { gfm: true, frontmatter: false } as const;

function parseMarkdown(input: { value: string; data: Record<string, unknown> }): MdastRoot {
  if (satteri && !parsedByRemark(input.value)) {
    try {
      return satteri.markdownToMdast(input.value, { features: SATTERI_FEATURES }) as MdastRoot;
    } catch {
      // Whatever Satteri trips on, remark reads the page as it always did.
    }
  }
  return processor.parse(input);
}

/** Splits off YAML front matter; a block that is not a mapping is left as text. */
function splitFrontMatter(source: string): { body: string; title?: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
  if (!match) return { body: source };
  let meta: unknown;
  try {
    meta = parseYaml(match[1] ?? '', { maxAliasCount: 10 });
  } catch {
    return { body: source };
  }
  if (meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) return { body: source };
  // Keep line numbers right for problems: replace the block with as many empty lines.
  const blank = '\n'.repeat(match[0].split('\n').length - 1);
  const title = meta && 'title' in meta && typeof meta.title === 'string' ? meta.title : undefined;
  return { body: blank + source.slice(match[0].length), ...(title ? { title } : {}) };
}

/**
 * Renders one docs page: TechDocs' Markdown extensions, GitHub alerts, sanitised HTML,
 * build-time highlighting, rewritten links and a table of contents.
 */
export async function renderDocsPage(source: string, paths: PagePaths, context: RenderContext): Promise<RenderedPage> {
  const { body, title } = splitFrontMatter(source);
  const { text, abbreviations } = preprocessMarkdown(body);
  const data: PageData = { docPath: paths.docPath, ...(paths.repoPath !== undefined ? { repoPath: paths.repoPath } : {}), context, abbreviations, codeBlocks: [], problems: [], headings: [], hasMermaid: false };
  const input = { value: text, data: { playbill: data } };
  const html = processor.stringify(await processor.run(parseMarkdown(input), input), input);
  const heading = title ?? data.h1;
  return {
    html,
    ...(heading ? { title: heading } : {}),
    headings: data.headings,
    hasMermaid: data.hasMermaid,
    problems: data.problems,
  };
}

