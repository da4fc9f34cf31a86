/**
 * The search index of a rebuild, begun while Astro builds. Pagefind cannot update an index:
 * it reads every page again (1.2 s of a one-repository rebuild at 1,231 docs pages, most of
 * its 20 s at 10,000), on both cores, once Astro has exited. But Astro leaves one core idle
 * through most of a rebuild, and the last indexed output holds most of the pages this build
 * will write, byte for byte; the build cache keeps its search copy (`search-copy.ts`: the
 * pages without the parts Pagefind skips).
 *
 * So `npm run build` hands that copy to Pagefind as soon as it knows a full build is needed
 * (`startEarlyIndex`), and once Astro has exited, gives it again each page whose bytes
 * differ (`planEarlyIndex`, `finishEarlyIndex`), cut the same way. Pagefind puts a page given
 * again under the same URL in the place of the first (`fossick_one`), and orders pages as it
 * walks the folder; ext4 lists a folder's entries in an order that depends on their names
 * alone, so the pages of the copy, walked, come in the order they come in the new output.
 * A page the new output no longer has is given again empty, without `data-pagefind-body`:
 * Pagefind leaves such pages out of an index where any page has that element, as it would
 * have left the page out by not finding it. The index is then the one Pagefind would have
 * built from the new output, byte for byte (`early-index.test.ts`, `incremental.test.ts`).
 *
 * Where that cannot hold, the early index is thrown away and the output indexed as before:
 * a page the last output did not have (Pagefind would have walked it somewhere in the
 * middle), more than a quarter of the pages changed (given one at a time, they take longer
 * than a new walk on both cores), or a file system whose listing order would differ.
 */
import { existsSync } from 'node:fs';
import { mkdir, opendir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import type { PagefindIndex } from 'pagefind';
import { mapInBatches } from '../../loaders/batches.ts';
import { listFiles, parseDigestList } from '../../loaders/file-trees.ts';
import { searchCopyOf, searchCopyPlace } from './search-copy.ts';

/** Pagefind's settings; part of the index's digest, so changing them re-indexes. */
export const PAGEFIND_OPTIONS = { includeCharacters: '-_.', maxFragments: 4000 };

/** The files of a built site Pagefind reads: its HTML pages, but for its own folder. */
export function indexedPages(files: readonly string[]): string[] {
  return files.filter((f) => f.endsWith('.html') && !f.startsWith('pagefind/'));
}

/** A page given again with this has no `data-pagefind-body`, so it is left out (see above). */
const GONE_PAGE = '<html><body></body></html>';

/** The share of pages given again above which indexing the output anew is faster. */
const MOST_CHANGED = 1 / 4;

/** An index begun from the search copy of the last indexed output. */
export interface EarlyIndex {
  /** The search copy it reads. */
  folder: string;
  /** The digest of the output page each file of the copy was made from. */
  listFile: string;
  /** Settles once Pagefind has read every kept page; `error` if it could not start. */
  read: Promise<{ index: PagefindIndex; pages: string[] } | { error: string }>;
}

/** What finishing the early index takes, or why the output is indexed anew. */
export type EarlyPlan = {
  index: PagefindIndex;
  /** Pages to give again from the new output, and pages it no longer has. */
  again: string[];
  gone: string[];
  /** Pages read from the copy as they are in the new output. */
  kept: number;
  /** How long Astro's exit waited for Pagefind to finish reading, in ms. */
  waited: number;
} | { reason: string };

/**
 * Starts Pagefind on the last indexed output's search copy, not on the output folder Astro
 * is writing. A file of the copy with nothing cut out may still be the same file as a page
 * of the new output (a hard link), which Astro may write over while Pagefind reads it;
 * `planEarlyIndex` gives every page written since the copy was listed again.
 */
export function startEarlyIndex(cacheDir: string): EarlyIndex | undefined {
  const { folder, listFile } = searchCopyPlace(cacheDir);
  // No output was indexed (the first build), or its copy was cut short: nothing to begin with.
  if (!existsSync(listFile)) return undefined;
  const read = (async () => {
    const pages = indexedPages(await listFiles(folder));
    if (pages.length === 0) return { error: 'the last build\'s search copy has no pages' };
    if (pages.some(hidden)) return { error: 'a page is in a hidden folder' };
    if (!(await listsByName(folder))) return { error: 'this file system lists a folder in the order its entries were made' };
    const { index, errors } = await pagefind.createIndex(PAGEFIND_OPTIONS);
    if (!index) return { error: `Pagefind could not start: ${errors.join('; ')}` };
    await yieldToAstro();
    const added = await index.addDirectory({ path: folder });
    if (added.errors.length) return { error: `Pagefind could not read the last build's search copy: ${added.errors.join('; ')}` };
    return { index, pages };
  })().catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
  return { folder, listFile, read };
}

/**
 * Lowers the priority of Pagefind's process, every thread of it, so that it reads pages only
 * on the CPU Astro leaves idle (a thread made later inherits the priority of the one that
 * makes it). Linux only; elsewhere, and if it fails, Pagefind runs as it is.
 */
async function yieldToAstro(): Promise<void> {
  const children = await readdir('/proc').catch(() => []);
  for (const pid of children.filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: the command name may hold spaces, so fields are read after ")".
    const [, comm = '', rest = ''] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
    if (!comm.startsWith('pagefind') || Number(rest.split(' ')[1]) !== process.pid) continue;
    for (const thread of await readdir(`/proc/${pid}/task`).catch(() => [])) {
      try {
        setPriority(Number(thread), 19);
      } catch {
        // Gone, or not ours to change: it runs as it is.
      }
    }
  }
}

/** A path with a folder or file whose name starts with a dot, which Pagefind's walk may treat apart. */
const hidden = (file: string) => file.split('/').some((part) => part.startsWith('.'));

/**
 * Whether the copy's file system lists a folder's entries in an order set by their names
 * alone (ext4's hashed order, or sorted), as the plan needs: two folders beside the copy,
 * the same 24 names made in opposite orders, must list them alike.
 */
async function listsByName(folder: string): Promise<boolean> {
  // Beside the copy, on its file system; one name, so a probe cut short is not left behind.
  const probe = join(folder, '..', 'order-probe');
  await rm(probe, { recursive: true, force: true });
  try {
    const names = Array.from({ length: 24 }, (_, i) => `p${(i * 7919) % 1000}.html`);
    const order = async (dir: string) => {
      const seen: string[] = [];
      for await (const entry of await opendir(dir)) seen.push(entry.name);
      return seen.join('/');
    };
    const forward = join(probe, 'a');
    const backward = join(probe, 'b');
    await mkdir(forward, { recursive: true });
    await mkdir(backward, { recursive: true });
    for (const name of names) await writeFile(join(forward, name), '');
    for (const name of [...names].reverse()) await writeFile(join(backward, name), '');
    return (await order(forward)) === (await order(backward));
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}

/**
 * Once Astro has exited, and before the search copy is brought up to the new output: which
 * pages Pagefind must be given again. A page whose copy was written since the copy was
 * listed (its modification time is not older than the list's), or whose digest in that list
 * is not the new page's, is given again from the new output.
 */
export async function planEarlyIndex(early: EarlyIndex, out: string, digestOf: (file: string) => Promise<string>, files: Promise<readonly string[]> = listFiles(out)): Promise<EarlyPlan> {
  // The new pages' digests are wanted whatever the plan (the kept output, the search copy
  // and the search index's input digest take them too): taken while Pagefind may still be reading.
  const pages = indexedPages(await files);
  const digesting = mapInBatches(pages, 64, digestOf);
  digesting.catch(() => undefined);
  const waiting = Date.now();
  const read = await early.read;
  const waited = Date.now() - waiting;
  if ('error' in read) return { reason: read.error };
  const plan = await planFrom(read.pages, pages, out, early, digestOf).catch((error: unknown) => ({ reason: error instanceof Error ? error.message : String(error) }));
  if ('reason' in plan) {
    await read.index.deleteIndex().catch(() => undefined);
    return plan;
  }
  return { index: read.index, ...plan, waited };
}

async function planFrom(kept: string[], pages: string[], out: string, early: EarlyIndex, digestOf: (file: string) => Promise<string>): Promise<Omit<Extract<EarlyPlan, { index: unknown }>, 'index' | 'waited'> | { reason: string }> {
  const known = new Set(kept);
  const added = pages.filter((page) => !known.has(page));
  if (added.length) return { reason: `${added.length} page${added.length === 1 ? '' : 's'} the last build did not have (${added[0]}${added.length > 1 ? ', …' : ''})` };
  const [text, listed] = await Promise.all([readFile(early.listFile, 'utf8'), stat(early.listFile)]);
  const recorded = parseDigestList(text);
  const now = new Set(pages);
  const gone = kept.filter((page) => !now.has(page));
  const again = (
    await mapInBatches(kept.filter((page) => now.has(page)), 64, async (page) => {
      const written = (await stat(join(early.folder, page))).mtimeMs;
      const same = written < listed.mtimeMs && recorded.get(page) === (await digestOf(page));
      return same ? undefined : page;
    })
  ).filter((page): page is string => page !== undefined);
  if (again.length + gone.length > kept.length * MOST_CHANGED) return { reason: `${again.length + gone.length} of ${kept.length} pages changed` };
  // An empty page is left out only where some page has `data-pagefind-body`.
  if (gone.length && !(await someBody(out, pages))) return { reason: 'no page has data-pagefind-body' };
  return { again, gone, kept: kept.length - again.length - gone.length };
}

/** An element's start tag with the `data-pagefind-body` attribute (not the words in a page's text, escaped there). */
const BODY_ATTRIBUTE = /<[a-z][^<>]*\sdata-pagefind-body[\s=>]/i;

/** Whether any page marks its content `data-pagefind-body` (entity and docs pages do). */
async function someBody(out: string, pages: string[]): Promise<boolean> {
  for (const page of pages) if (BODY_ATTRIBUTE.test(await readFile(join(out, page), 'utf8'))) return true;
  return false;
}

/** Gives Pagefind the planned pages again, cut as the search copy is, one at a time (it takes them in order anyway). */
export async function finishEarlyIndex(plan: Extract<EarlyPlan, { index: unknown }>, out: string): Promise<PagefindIndex> {
  for (const page of plan.again) {
    const { errors } = await plan.index.addHTMLFile({ sourcePath: page, content: searchCopyOf(await readFile(join(out, page), 'utf8')) });
    if (errors.length) throw new Error(`Pagefind could not read ${page}: ${errors.join('; ')}`);
  }
  for (const page of plan.gone) {
    const { errors } = await plan.index.addHTMLFile({ sourcePath: page, content: GONE_PAGE });
    if (errors.length) throw new Error(`Pagefind could not drop ${page}: ${errors.join('; ')}`);
  }
  return plan.index;
}
