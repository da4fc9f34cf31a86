/**
 * The search index begun from the last build's search copy while Astro builds: once the
 * pages that changed are given again, it must be the index Pagefind builds from the new
 * output, byte for byte, or not be used at all.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { folderDigests, listFiles } from '../../loaders/file-trees.ts';
import { writeInto } from '../../test/support/files.ts';
import { finishEarlyIndex, indexedPages, PAGEFIND_OPTIONS, planEarlyIndex, startEarlyIndex, type EarlyPlan } from './early-index.ts';
import { searchCopyPlace, UNINDEXED_END, UNINDEXED_START, updateSearchCopy } from './search-copy.ts';

let root = '';
let cacheDir = '';
let out = '';
afterAll(async () => {
  await pagefind.close();
  await rm(root, { recursive: true, force: true });
});

const WORDS = ['deploy', 'latency', 'rollback', 'schema', 'queue', 'billing', 'ledger', 'token', 'cluster', 'runbook', 'alert', 'migration'];
/**
 * A page as the portal writes one: a body Pagefind indexes, headings, a filter, text it
 * ignores, some of it marked for the search copy to cut.
 */
function page(title: string, seed: number, extra = ''): string {
  const words = (n: number) => Array.from({ length: n }, (_, i) => WORDS[(seed * 7 + i * 3) % WORDS.length]).join(' ');
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body><nav>${words(30)}</nav><main><article data-pagefind-body>`
    + `<h1>${title}</h1><span hidden data-pagefind-filter="kind[data-value]" data-value="k${seed % 3}"></span><p>${words(40 + (seed % 17))}</p>`
    + `<h2 id="s${seed}">Section ${seed}</h2><p>${words(25)} ${extra}</p><div data-pagefind-ignore>${words(10)}</div>`
    + `<section data-pagefind-ignore>${UNINDEXED_START}<h2 id="graph-${seed}">Graph</h2><svg><text>${words(12)}</text></svg>${UNINDEXED_END}</section></article></main></body></html>`;
}

/** 60 pages in nested folders, as a built portal's: `<section>/<name>/index.html`. */
function site(): Map<string, string> {
  const pages = new Map<string, string>();
  pages.set('index.html', page('Home', 0));
  for (let i = 1; i < 60; i++) pages.set(`${['catalog', 'docs', 'api'][i % 3]}/item-${i}/index.html`, page(`Item ${i}`, i));
  pages.set('search/index.html', '<!doctype html><html lang="en"><body><main>Search</main></body></html>');
  return pages;
}

async function writeSite(folder: string, pages: Map<string, string>): Promise<void> {
  for (const [file, text] of pages) await writeInto(folder, file, text);
}

/**
 * Indexes `pages` as the last build's output, as its search step does (`updateSearchCopy`):
 * the pages written some time before the copy's list is, as in a build.
 */
async function indexAsLastBuild(pages: Map<string, string>): Promise<void> {
  const built = join(root, 'last-dist');
  await writeSite(built, pages);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await (await updateSearchCopy(cacheDir, built, indexedPages(await listFiles(built)), folderDigests(built))).listed;
}

/** The digest of an index's files, as Pagefind hands them over. */
async function indexDigest(index: pagefind.PagefindIndex): Promise<string> {
  const { files, errors } = await index.getFiles();
  expect(errors).toEqual([]);
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) hash.update(`${file.path}\0`).update(file.content);
  await index.deleteIndex();
  return hash.digest('hex');
}

/** The index Pagefind builds from `out` as the build did before: a walk of the folder. */
async function walkedIndex(): Promise<string> {
  const { index } = await pagefind.createIndex(PAGEFIND_OPTIONS);
  if (!index) throw new Error('Pagefind did not start');
  expect((await index.addDirectory({ path: out })).errors).toEqual([]);
  return indexDigest(index);
}

/** Why a file system whose listing order follows creation turns the early index off. */
const CREATION_ORDER = 'this file system lists a folder in the order its entries were made';

/**
 * The plan for `out`. On such a file system every plan is that reason, so the cases below
 * then expect it instead (this machine's and CI's ext4 give the reasons the cases test).
 */
async function plan(): Promise<EarlyPlan> {
  const early = startEarlyIndex(cacheDir);
  if (!early) throw new Error('no early index');
  return planEarlyIndex(early, out, folderDigests(out));
}
const expectReason = (planned: EarlyPlan, reason: string | RegExp) => {
  if ('reason' in planned && planned.reason === CREATION_ORDER) return;
  expect('reason' in planned && planned.reason).toMatch(reason);
};

beforeEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = await mkdtemp(join(tmpdir(), 'playbill-early-index-'));
  cacheDir = join(root, 'cache');
  out = join(root, 'dist');
});

describe('the search index begun while Astro builds', () => {
  it('is the walked index of the new output once the changed pages are given again', async () => {
    const before = site();
    await indexAsLastBuild(before);
    const now = new Map(before);
    now.set('docs/item-4/index.html', page('Item 4', 4, 'an edited sentence about quokkas'));
    now.delete('catalog/item-3/index.html');
    await writeSite(out, now);
    // Astro wrote over a page of the copy through a shared file before Pagefind read it, and
    // then wrote the page as it was: its digest is the listed one, but Pagefind read other words.
    await writeFile(join(searchCopyPlace(cacheDir).folder, 'api/item-5/index.html'), page('Half written', 5, 'zebra'));
    const planned = await plan();
    if ('reason' in planned) {
      // Only a file system that lists entries in the order they were made turns it off.
      expect(planned.reason).toBe(CREATION_ORDER);
      return;
    }
    expect(planned.again.sort()).toEqual(['api/item-5/index.html', 'docs/item-4/index.html']);
    expect(planned.gone).toEqual(['catalog/item-3/index.html']);
    expect(planned.kept).toBe(now.size - 2);
    const early = await indexDigest(await finishEarlyIndex(planned, out));
    expect(early).toBe(await walkedIndex());
  });

  it('differs from the walked index when a page read while Astro built is not given again', async () => {
    // The check above can fail: without the page that changed, the index is another.
    const before = site();
    await indexAsLastBuild(before);
    const now = new Map(before);
    now.set('docs/item-4/index.html', page('Item 4', 4, 'an edited sentence about quokkas'));
    await writeSite(out, now);
    const planned = await plan();
    if ('reason' in planned) return;
    expect(await indexDigest(await finishEarlyIndex({ ...planned, again: [] }, out))).not.toBe(await walkedIndex());
  });

  it('is not used when the new output has a page the last build did not', async () => {
    const before = site();
    await indexAsLastBuild(before);
    await writeSite(out, new Map([...before, ['docs/item-new/index.html', page('New', 99)]]));
    expectReason(await plan(), /^1 page the last build did not have \(docs\/item-new\/index\.html\)$/);
  });

  it('is not used when more than a quarter of the pages changed', async () => {
    const before = site();
    await indexAsLastBuild(before);
    await writeSite(out, new Map([...before].map(([file, text], i) => [file, i % 3 === 0 ? text.replace('</article>', '<p>changed</p></article>') : text])));
    expectReason(await plan(), /^20 of 61 pages changed$/);
  });

  it('is not used to drop a page when no page marks its body (Pagefind would index the empty one)', async () => {
    const before = new Map([...site()].map(([file, text]): [string, string] => [file, text.replace(' data-pagefind-body>', '>').replace('</h1>', ' &lt;div data-pagefind-body&gt;</h1>')]));
    await indexAsLastBuild(before);
    const now = new Map(before);
    now.delete('catalog/item-3/index.html');
    await writeSite(out, now);
    expectReason(await plan(), /^no page has data-pagefind-body$/);
  });

  it('is not begun without a search copy, and says why when its list is unreadable', async () => {
    expect(startEarlyIndex(cacheDir)).toBeUndefined();
    const before = site();
    await indexAsLastBuild(before);
    await cp(join(root, 'last-dist'), out, { recursive: true });
    await writeFile(searchCopyPlace(cacheDir).listFile, '{"not": "a list"}');
    expectReason(await plan(), /not \[file, digest\] pairs/);
  });
});
