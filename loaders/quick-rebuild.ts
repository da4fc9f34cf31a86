import { createHash } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { mapInBatches } from './batches.ts';
import { readCacheFile } from './cache-files.ts';
import { cacheLayout } from './cache-layout.ts';
import { parseEntityRef } from './catalog/refs.ts';
import { writtenBySearchStep } from './file-trees.ts';
import { collectionEntries, COLLECTIONS, type CollectionName, type Portal } from './portal-loader.ts';
import { preparedOutputList } from './prepared-output.ts';
import { describeCollection, describeStore, readStoreEntries, textChanges, writeStoreEntries, type CollectionRecord, type StoreEntries, type TextChange } from './store-entries.ts';

/**
 * A rebuild without Astro's build, for the commonest change of all: the text of some docs
 * pages and nothing else. The portal is built as Astro's content sync builds it (the same
 * loaders, the same caches; src/integrations/quick-rebuild.ts runs this in Astro's process
 * before its build starts); when every content-store entry equals the last kept build's but for some
 * docs pages' HTML (loaders/store-entries.ts), every page Astro would write is the one it
 * wrote last time except those pages, and in each of them only the HTML between the layout's
 * `<div class="markdown">` and its footer differs. So the kept output is linked back into
 * the output folder (by scripts/prepare-output.ts `--kept`, meanwhile) and each changed page
 * is written with its new HTML in that place. The search index and service worker follow
 * as after any build (scripts/build.ts).
 *
 * A page's date (its last commit's) may move too: the layout writes it in the page's footer.
 * It gives up, and the build runs in full, on anything else: another entry changed, a page
 * added or gone, a page whose title, headings or links changed, other docs files, a date
 * that moves for docs near the team pages' staleness limit, a kept page that is not where or
 * as expected, or a kept file changed since it was kept.
 */

/** Where the layout puts a docs page's HTML: right after the first, right before the last. */
const TEXT_START = '<div class="markdown">';
const TEXT_END = '</div><footer class="docs-meta"';

/** The output file of a docs page, as `src/pages/docs/[namespace]/[kind]/[name]/[...page].astro` writes it. */
export function docsPageFile(entityRef: string, slug: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `docs/${namespace.toLowerCase()}/${kind.toLowerCase()}/${name.toLowerCase()}/${slug}index.html`;
}

/** The page's date as the layout writes it in its footer ("Last updated …"). */
const dateElement = (date: string) => `<time datetime="${date}">${date.slice(0, 10)}</time>`;

/**
 * A kept docs page with its HTML replaced, and its date when `dates` says it moved, or
 * undefined when the page does not hold the HTML whose digest (hex SHA-256, the name of its
 * file in the cache) is `before` where the layout puts it, or its old date once after it.
 * Every part of the page around the HTML is the layout's, with all text from repositories
 * escaped, so neither marker can occur in it; nor can a `<time` element after it, but for the
 * footer's (dates are only ever digits and `T:.+-Z`, which nothing escapes).
 */
export function replaceText(page: string, before: string, html: string, dates?: { before: string; after: string }): string | undefined {
  const start = page.indexOf(TEXT_START);
  const end = page.lastIndexOf(TEXT_END);
  if (start === -1 || end < start + TEXT_START.length) return undefined;
  const from = start + TEXT_START.length;
  if (createHash('sha256').update(page.slice(from, end)).digest('hex') !== before) return undefined;
  let rest = page.slice(end);
  if (dates) {
    const [old, now] = [dateElement(dates.before), dateElement(dates.after)];
    const at = rest.indexOf(old);
    if (at === -1 || rest.indexOf(old, at + 1) !== -1) return undefined;
    rest = `${rest.slice(0, at)}${now}${rest.slice(at + old.length)}`;
  }
  return `${page.slice(0, from)}${html}${rest}`;
}

const keptListSchema = z.array(z.tuple([z.string(), z.string()]));

export interface QuickRebuildOptions {
  /** The portal as this build's content sync would store it (`buildPortal`). */
  portal: Portal;
  cacheDir: string;
  out: string;
  /**
   * The list scripts/prepare-output.ts `--kept` writes once it has linked the kept output
   * into `out` (it does so meanwhile, in another process): waited for before pages are written.
   */
  linkedFile: string;
}

/** Rebuilds `out` from the kept output when only docs text changed: the pages it wrote anew, or why it did not. */
export async function quickRebuild(options: QuickRebuildOptions): Promise<{ written: string[] } | { why: string }> {
  const layout = cacheLayout(options.cacheDir);
  const last = await readStoreEntries(layout.lastStoreEntries);
  if (!last) return { why: 'the last build left no record of its content store' };
  const kept = await readCacheFile(layout.lastOutputFiles, keptListSchema);
  if (!kept) return { why: 'no complete output of the last build is kept' };
  const [changes, changed] = await Promise.all([changedText(options, last), keptChanged(layout.lastOutput, layout.lastOutputFiles, kept.map(([file]) => file))]);
  if ('why' in changes) return changes;
  if (changed) return { why: changed };
  const pages = [];
  for (const change of changes.changes) {
    const page = await newPage(layout, change);
    if (typeof page === 'string') return { why: page };
    pages.push(page);
  }
  const linked = await linkedElsewhere(options.linkedFile, kept.map(([file]) => file).filter((file) => !writtenBySearchStep(file)));
  if (linked) return { why: linked };
  for (const page of pages) {
    // Written beside and moved over the link: the kept file it points at must stay as it is.
    const target = join(options.out, page.file);
    await writeFile(`${target}.playbill-tmp`, page.text);
    await rename(`${target}.playbill-tmp`, target);
  }
  return { written: pages.map((page) => page.file) };
}

/**
 * Compares this build's store with the last, and records it for the next build. The
 * collections whose entries are plain data come first: when one of them changed (an edited
 * descriptor, the commonest other change), the build runs in full at once, without writing
 * and hashing every drawing and page first (the content sync does that, and records the store).
 */
async function changedText(options: QuickRebuildOptions, last: StoreEntries) {
  const records = new Map<string, CollectionRecord>();
  const share = async (names: readonly CollectionName[]) => {
    for (const name of names) {
      const entries = await collectionEntries[name](options.portal, options.cacheDir);
      records.set(name, describeCollection(name, { entries, json: entries.map((entry) => JSON.stringify(entry.data)) }));
    }
    return describeStore(records, options.cacheDir);
  };
  const data = COLLECTIONS.filter((name) => !WRITES_FILES.includes(name));
  const first = textChanges(last, await share(data), data);
  if ('why' in first) return first;
  // The entities are the last build's, so the drawings are too (they follow from the
  // entities alone): taken from the last record rather than drawn again.
  const now = await share(['docsPages']);
  now.collections['graphs'] = last.collections['graphs'] ?? {};
  await writeStoreEntries(cacheLayout(options.cacheDir).storeEntries, now);
  return textChanges(last, now);
}

/** The collections whose entries write files (drawings, docs HTML) on the way. */
const WRITES_FILES: readonly CollectionName[] = ['graphs', 'docsPages'];

/**
 * Which kept file was written since the list of them was, if one was: the output folder
 * shares them as hard links, so an edit of a deployed file in place, or a full build cut
 * short that wrote over one, shows as a newer modification time.
 */
export async function keptChanged(dir: string, listFile: string, files: readonly string[]): Promise<string | undefined> {
  const listed = (await stat(listFile)).mtimeMs;
  const newer = await mapInBatches(files, 64, async (file) => (await stat(join(dir, file)).catch(() => undefined))?.mtimeMs ?? Infinity);
  const changed = newer.findIndex((time) => time > listed);
  return changed === -1 ? undefined : `the kept file ${files[changed]} changed after it was kept`;
}

/** The changed page's new text, or why it cannot be made from the kept one. */
async function newPage(layout: ReturnType<typeof cacheLayout>, change: TextChange): Promise<{ file: string; text: string } | string> {
  const file = docsPageFile(change.entityRef, change.slug);
  const page = await readFile(join(layout.lastOutput, file), 'utf8').catch(() => undefined);
  if (page === undefined) return `the kept output has no ${file}`;
  const html = await readFile(join(layout.pageHtml, `${change.after.html}.html`), 'utf8');
  const { lastModified: before } = change.before;
  const { lastModified: after } = change.after;
  const text = replaceText(page, change.before.html, html, before !== after && before && after ? { before, after } : undefined);
  return text === undefined ? `${file} does not hold its last HTML where the layout puts it` : { file, text };
}

/** Waits for the process linking the kept output into the output folder; why not, if it could not link `files`. */
async function linkedElsewhere(listFile: string, files: readonly string[]): Promise<string | undefined> {
  const linked = await preparedOutputList(listFile, 10);
  if ('error' in linked) return `the kept output could not be linked into the output folder (${linked.error})`;
  const all = new Set(linked.files);
  return files.every((file) => all.has(file)) && linked.files.length === files.length ? undefined : 'the kept output changed while it was linked';
}
