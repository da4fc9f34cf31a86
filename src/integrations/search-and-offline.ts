import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { z } from 'zod';
import { mapInBatches } from '../../loaders/batches.ts';
import { cacheLayout } from '../../loaders/cache-layout.ts';
import { folderDigests, linkFiles, listFiles, makeFolders } from '../../loaders/file-trees.ts';
import type { Logger } from '../../loaders/logger.ts';
import { finishEarlyIndex, indexedPages, PAGEFIND_OPTIONS, type EarlyPlan } from './early-index.ts';
import { searchCopyPlace, updateSearchCopy } from './search-copy.ts';

/** What finishing a built site needs to know. */
export const finishOptionsSchema = z.object({
  /** The build's output folder. */
  out: z.string(),
  /** The project root (for Pagefind's version). */
  root: z.string(),
  /** Astro's cache folder; the last search index is kept under it. */
  cacheDir: z.string(),
  /** Site base, ending in `/`. */
  base: z.string(),
});
export type FinishOptions = z.infer<typeof finishOptionsSchema>;

/**
 * The last step of a build: indexes the site with Pagefind and writes the service worker
 * that keeps the portal readable offline (it lists the index files, so it comes second).
 * `digestOf` gives an output file's digest; the build script shares one with the step that
 * keeps the output, so each page is read and hashed once. `early` is the index the build
 * script began while Astro built (`early-index.ts`), if it did.
 */
export async function finishSite(
  options: FinishOptions,
  loggerFor: (stage: 'search' | 'offline') => Logger,
  digestOf = folderDigests(options.out),
  early?: EarlyPlan,
  files: Promise<readonly string[]> = listFiles(options.out),
): Promise<void> {
  await indexSite(options.out, options.root, loggerFor('search'), { cacheDir: options.cacheDir, digestOf, files }, early);
  await writeServiceWorker(options.out, options.base, loggerFor('offline'));
}

/** A digest of everything Pagefind reads: every HTML page (path and bytes), its settings and version. */
async function indexInputDigest(root: string, output: BuiltOutput): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify([PAGEFIND_OPTIONS, await pagefindVersion(root)]));
  const pages = indexedPages(await output.files).sort();
  // In batches: one file at a time is I/O-latency bound (3× slower at 13,000 pages).
  const digests = await mapInBatches(pages, 64, output.digestOf);
  pages.forEach((page, i) => hash.update(`${page}\0${digests[i]}\0`));
  return hash.digest('hex');
}

async function pagefindVersion(root: string): Promise<string> {
  const text = await readFile(join(root, 'node_modules', 'pagefind', 'package.json'), 'utf8').catch(() => '');
  return z.object({ version: z.string() }).safeParse(JSON.parse(text || '{}')).data?.version ?? 'unknown';
}

/**
 * Builds the Pagefind index of the built site through Pagefind's Node API. Only elements
 * marked `data-pagefind-body` (entity and docs content) are indexed. Any indexing error
 * fails the build. When no page changed since the last build, the index that build wrote
 * (kept in the cache folder) is copied instead: same input, same index.
 *
 * Pagefind starts at once, while the digest of its input is taken, instead of waiting for
 * it (0.3–1.2 s of hashing on a one-repository rebuild at 1,231 docs pages); if the digest
 * matches the last index's, Pagefind is stopped. It writes into the cache folder, never
 * straight into the output, so a Pagefind stopped mid-write cannot leave files in the site.
 */
async function indexSite(out: string, root: string, logger: Logger, output: BuiltOutput, early?: EarlyPlan): Promise<void> {
  const started = Date.now();
  const cache = cacheLayout(output.cacheDir).pagefind;
  const target = join(out, 'pagefind');
  const { digestFile, kept, next } = { digestFile: join(cache, 'digest.txt'), kept: join(cache, 'index'), next: join(cache, 'next') };
  const last = await readFile(digestFile, 'utf8').catch(() => '');
  const digesting = indexInputDigest(root, output);
  // Awaited below; if indexing fails first, its error is the one reported.
  digesting.catch(() => undefined);
  try {
    await rm(next, { recursive: true, force: true });
    const indexing = writeIndex(out, next, kept, output, early);
    indexing.catch(() => undefined);
    const unchanged = last ? digesting.then((digest) => digest === last, () => false) : Promise.resolve(false);
    // Whichever ends first, the digest decides: the same input always reuses the last index.
    const first = await Promise.race([unchanged.then((same) => (same ? 'same' : 'changed')), indexing.then(() => 'indexed', () => 'indexed')]);
    if (first === 'same' || (first === 'indexed' && (await unchanged))) {
      await pagefind.close();
      await rm(target, { recursive: true, force: true });
      const size = await mirror(kept, target);
      logger.info(`no page changed, index reused in ${Date.now() - started} ms; index ${size.files} files, ${(size.bytes / 1024).toFixed(0)} KiB`);
      return;
    }
    const { pages, files, unchanged: same, how } = await indexing;
    // Kept for the next build; the digest is written last, so a copy cut short is never reused.
    await rm(digestFile, { force: true });
    await rm(kept, { recursive: true, force: true });
    await rename(next, kept);
    await rm(target, { recursive: true, force: true });
    const size = await mirror(kept, target);
    await writeFile(digestFile, await digesting);
    const reused = same ? ` (${same} of ${files} as they were)` : '';
    logger.info(`indexed ${pages} pages in ${Date.now() - started} ms${how}; index ${size.files} files${reused}, ${(size.bytes / 1024).toFixed(0)} KiB`);
  } finally {
    await pagefind.close();
  }
}

/**
 * Indexes the HTML pages under `out` into `into`. Past 4,000 pages, result fragments are
 * bundled into shared files, so a big portal stays under the 20,000-file limit some hosts
 * have. Pagefind hands the files over in memory rather than writing them: a file with the
 * same bytes in the `previous` index is linked from there instead of written again (after
 * one repository's docs changed, nearly all of them), which took the search step of such a
 * rebuild from 3.8 s to 3.0 s at 1,231 docs pages (medians of eight alternating runs).
 */
async function writeIndex(out: string, into: string, previous: string, output: BuiltOutput, early?: EarlyPlan): Promise<{ pages: number; files: number; unchanged: number; how: string }> {
  const { index, pages, how, copied } = await pagefindIndex(out, output, early);
  const [built] = await Promise.all([index.getFiles(), copied]);
  if (built.errors.length) throw new Error(`Pagefind could not write its index: ${built.errors.join('; ')}`);
  await makeFolders(into, built.files.map((file) => file.path));
  const kept = await mapInBatches(built.files, 64, async ({ path, content }) => {
    const before = await readFile(join(previous, path)).catch(() => undefined);
    if (before?.equals(content) && (await link(join(previous, path), join(into, path)).then(() => true, () => false))) return true;
    await writeFile(join(into, path), content);
    return false;
  });
  return { pages, files: built.files.length, unchanged: kept.filter(Boolean).length, how };
}

/**
 * What the search step knows of the built output: the build cache (where the search copy,
 * search-copy.ts, is kept), each file's digest, and its files as Astro left them (listed once:
 * 0.3–0.5 s at 10,000 docs pages, in which no request goes to Pagefind).
 */
interface BuiltOutput {
  cacheDir: string;
  digestOf: (file: string) => Promise<string>;
  files: Promise<readonly string[]>;
}

/** How long Astro's exit waited for the early index's reading, when it did. */
const waitedFor = (ms: number) => (ms >= 100 ? `the reading done ${(ms / 1000).toFixed(1)} s after Astro exited, ` : '');

/**
 * Every page of `out` in a Pagefind index: the early index with the pages that changed given
 * again, or, without one (or when finishing it fails), a new index that walks the output's
 * search copy, brought up to date first (or the output itself, see below). `how` says which,
 * for the log; `copied` settles once the copy is up to date for the next build. The copy only
 * saves time: when it cannot be made, the output is read, and the next build makes it whole.
 */
async function pagefindIndex(out: string, output: BuiltOutput, early?: EarlyPlan): Promise<{ index: pagefind.PagefindIndex; pages: number; how: string; copied: Promise<unknown> }> {
  let why = early && 'reason' in early ? ` (the pages read while Astro built were not used: ${early.reason})` : '';
  const pages = indexedPages(await output.files);
  const updating = async (): Promise<{ made: number; cut: number; listed: Promise<unknown> } | { error: string }> => {
    try {
      const made = await updateSearchCopy(output.cacheDir, out, pages, output.digestOf);
      return { ...made, listed: made.listed.catch(() => undefined) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const listed = (copy: Awaited<ReturnType<typeof updating>>) => ('listed' in copy ? copy.listed : undefined);
  if (early && 'index' in early) {
    const finished = await finishEarlyIndex(early, out).then(
      (index) => ({ index }),
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    );
    if ('index' in finished) return { index: finished.index, pages: early.kept + early.again.length, how: ` (${early.kept} as read while Astro built, ${waitedFor(early.waited)}${early.again.length} read again${early.gone.length ? `, ${early.gone.length} gone` : ''})`, copied: updating().then(listed) };
    await early.index.deleteIndex().catch(() => undefined);
    why = ` (the pages read while Astro built were not used: ${finished.error})`;
  }
  // A copy kept from the last build is brought up to date (only the pages that changed) and
  // read. Without one, making it for 2,657 pages (a folder each) took as long as it saves
  // Pagefind's reading (0.7 s at 1,231 docs pages), so the output itself is read and the copy
  // made for the next build while Pagefind builds the index.
  const copying = Date.now();
  const copy = existsSync(searchCopyPlace(output.cacheDir).listFile) ? await updating() : undefined;
  const copyMs = Date.now() - copying;
  const { index, errors } = await pagefind.createIndex(PAGEFIND_OPTIONS);
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  const added = await index.addDirectory({ path: copy && !('error' in copy) ? searchCopyPlace(output.cacheDir).folder : out });
  if (added.errors.length) throw new Error(`Pagefind indexing failed: ${added.errors.join('; ')}`);
  const read = !copy
    ? 'the pages, the search copy made for the next build meanwhile'
    : 'error' in copy
      ? `the pages, as their search copy could not be made: ${copy.error}`
      : `their search copy, ${copy.made} made anew in ${copyMs} ms, ${copy.cut} of them cut`;
  return { index, pages: added.page_count, how: why ? `${why.slice(0, -1)}, so Pagefind read ${read})` : ` (read ${read})`, copied: copy ? Promise.resolve(listed(copy)) : updating().then(listed) };
}

/**
 * Makes `to` hold the files of `from`: hard links where the file system allows (the files are
 * never changed in place), copies where it does not. Returns the total size.
 */
async function mirror(from: string, to: string): Promise<{ bytes: number; files: number }> {
  const files = await listFiles(from);
  const sizes = await linkFiles(from, files, to, async (file) => (await stat(join(from, file))).size);
  return { bytes: sizes.reduce((a, b) => a + b, 0), files: files.length };
}

/**
 * The hashed assets the shell pages need: what their HTML references, followed through the
 * static imports of each script. Other chunks (Mermaid's, say) are cached when first used.
 */
async function shellAssets(out: string, base: string, pages: string[]): Promise<string[]> {
  const found = new Set<string>();
  const queue: string[] = [];
  const prefix = `${base}_astro/`;
  const collect = (text: string, from: 'html' | 'js') => {
    const pattern = from === 'html' ? /(?:src|href)="([^"]+)"/g : /(?:from\s*|import\s*\(?\s*)["']([^"']+\.js)["']/g;
    for (const match of text.matchAll(pattern)) {
      const ref = match[1] ?? '';
      const name = ref.startsWith(prefix) ? ref.slice(prefix.length) : from === 'js' && ref.startsWith('./') ? ref.slice(2) : undefined;
      if (name && !found.has(name)) {
        found.add(name);
        if (name.endsWith('.js')) queue.push(name);
      }
    }
  };
  for (const page of pages) collect(await readFile(join(out, page), 'utf8').catch(() => ''), 'html');
  while (queue.length) {
    const next = queue.shift();
    if (next) collect(await readFile(join(out, '_astro', next), 'utf8').catch(() => ''), 'js');
  }
  return [...found].sort().map((f) => `_astro/${f}`);
}

/**
 * Writes `sw.js`: the app shell, Pagefind's code, index and filter chunks are cached on
 * install; result fragments and visited pages as they are used. Its cache is named after
 * a digest of what it caches, so a deploy that changed the index replaces the old cache
 * whole (never a mix of old and new index), and one that changed nothing keeps it.
 */
async function writeServiceWorker(out: string, base: string, logger: Logger): Promise<void> {
  const pagefindFiles = await listFiles(join(out, 'pagefind'));
  const core = pagefindFiles.filter((f) => /^(pagefind\.js|pagefind-worker\.js|wasm\..*\.pagefind|pagefind\..*\.pf_meta|index\/.*|filter\/.*)$/.test(f));
  const fragments = pagefindFiles.filter((f) => f.startsWith('fragment/'));
  const shell = await shellAssets(out, base, ['index.html', 'search/index.html', 'offline/index.html']);
  const precache = [
    '',
    'search/',
    'offline/',
    'favicon.svg',
    'manifest.webmanifest',
    'icon-192.png',
    'icon-512.png',
    ...shell,
    ...core.map((f) => `pagefind/${f}`),
    'pagefind/pagefind-entry.json',
  ].map((p) => base + p);
  const warm = fragments.map((f) => `${base}pagefind/${f}`);
  const template = await readFile(new URL('./service-worker.js', import.meta.url), 'utf8');
  const entry = await readFile(join(out, 'pagefind', 'pagefind-entry.json'), 'utf8');
  const buildId = createHash('sha256').update(JSON.stringify([template, entry, precache, warm])).digest('hex').slice(0, 16);
  const script = template
    .replace('__BUILD_ID__', JSON.stringify(buildId))
    .replace('__BASE__', JSON.stringify(base))
    .replace('__PRECACHE__', JSON.stringify(precache))
    .replace('__WARM__', JSON.stringify(warm));
  await writeFile(join(out, 'sw.js'), script);
  logger.info(`service worker caches ${precache.length} files on install and ${warm.length} result fragments in the background`);
}
