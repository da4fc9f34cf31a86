/**
 * The search copy: what Pagefind reads instead of the output. Cutting the marked parts must
 * leave Pagefind's index as it is, byte for byte, and a rebuild must make again only the
 * pages that changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { folderDigests, listFiles } from '../../loaders/file-trees.ts';
import { writeInto } from '../../test/support/files.ts';
import { indexedPages, PAGEFIND_OPTIONS } from './early-index.ts';
import { searchCopyOf, searchCopyPlace, UNINDEXED_END as END, UNINDEXED_START as START, updateSearchCopy } from './search-copy.ts';

let root = '';
afterAll(async () => {
  await pagefind.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = await mkdtemp(join(tmpdir(), 'playbill-search-copy-'));
});

describe('a page as Pagefind reads it', () => {
  it('has what lies between each pair of markers cut out, markers and all', () => {
    expect(searchCopyOf(`<p>a</p><div data-pagefind-ignore>${START}<svg><text>b</text></svg>${END}</div><p>c</p><section>${START}d${END}</section>`)).toBe(
      '<p>a</p><div data-pagefind-ignore></div><p>c</p><section></section>',
    );
    expect(searchCopyOf('<p>no markers</p>')).toBe('<p>no markers</p>');
  });

  it('is the page whole when its markers do not pair up', () => {
    for (const html of [`<p>${START}a`, `<p>a${END}</p>`, `${START}a${START}b${END}`, `${START}a${END}b${END}`, `${END}a${START}b${END}`]) {
      expect(searchCopyOf(html)).toBe(html);
    }
  });

  it('is the page whole when a cut would take an attribute Pagefind reads', () => {
    const html = `<div data-pagefind-ignore>${START}<span data-pagefind-filter="owner">team-a</span>${END}</div>`;
    expect(searchCopyOf(html)).toBe(html);
  });
});

const WORDS = ['deploy', 'latency', 'rollback', 'schema', 'queue', 'billing', 'ledger', 'token', 'cluster', 'runbook'];
const words = (seed: number, n: number) => Array.from({ length: n }, (_, i) => WORDS[(seed * 3 + i * 7) % WORDS.length]).join(' ');

/** An entity page as the portal writes one, its unindexed parts marked; or a docs page without marks. */
function page(seed: number): string {
  const marked = seed % 2 === 0;
  const cut = (inner: string) => (marked ? `${START}${inner}${END}` : inner);
  return `<!doctype html><html lang="en"><head><title>Page ${seed}</title></head><body><nav>${words(seed, 20)}</nav><main><div data-pagefind-body>`
    + `<span hidden data-pagefind-filter="kind[data-value]" data-value="k${seed % 3}"></span><span hidden data-pagefind-meta="owner[data-value]" data-value="team-${seed % 4}"></span>`
    + `<h1 data-pagefind-weight="10">Page ${seed}</h1><p>${words(seed, 30)}</p><h2 id="part-${seed}">Part</h2><p>${words(seed + 1, 25)}</p>`
    + `<section class="panel" data-pagefind-ignore>${cut(`<h2 id="about-${seed}">About</h2><dl><dt>Owner</dt><dd>${words(seed + 2, 3)}</dd></dl>`)}</section>`
    + `<section data-pagefind-ignore>${cut(`<h2 id="graph-${seed}">Relation graph</h2><svg><g><text>${words(seed + 3, 8)}</text></g></svg><details><summary>As a list</summary><ul><li>${words(seed + 4, 6)}</li></ul></details>`)}</section>`
    + `<details data-pagefind-ignore><summary>Raw</summary>${cut(`<pre><span style="color:red">${words(seed + 5, 40)}</span></pre>`)}</details>`
    + '</div></main></body></html>';
}

async function writeSite(folder: string, seeds: number[]): Promise<void> {
  for (const seed of seeds) await writeInto(folder, `catalog/item-${seed}/index.html`, page(seed));
  await writeInto(folder, 'index.html', page(1000));
}

/** The digest of the index Pagefind builds walking `folder`, over its files as handed over. */
async function walkedIndex(folder: string): Promise<string> {
  const { index } = await pagefind.createIndex(PAGEFIND_OPTIONS);
  if (!index) throw new Error('Pagefind did not start');
  expect((await index.addDirectory({ path: folder })).errors).toEqual([]);
  const { files, errors } = await index.getFiles();
  expect(errors).toEqual([]);
  await index.deleteIndex();
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) hash.update(`${file.path}\0`).update(file.content);
  return hash.digest('hex');
}

describe('the search copy of a built site', () => {
  it('is indexed by Pagefind as the site itself is, byte for byte, from fewer bytes', async () => {
    const out = join(root, 'dist');
    const cacheDir = join(root, 'cache');
    await writeSite(out, Array.from({ length: 40 }, (_, i) => i));
    const pages = indexedPages(await listFiles(out));
    const made = await updateSearchCopy(cacheDir, out, pages, folderDigests(out));
    await made.listed;
    expect(made).toMatchObject({ made: 41, cut: 21 });
    const { folder } = searchCopyPlace(cacheDir);
    const size = async (dir: string) => (await Promise.all(pages.map((p) => readFile(join(dir, p))))).reduce((sum, b) => sum + b.length, 0);
    expect(await size(folder)).toBeLessThan((await size(out)) * 0.8);
    expect(await walkedIndex(folder)).toBe(await walkedIndex(out));
  });

  it('makes again only the pages that changed, links pages with nothing cut, and drops pages gone', async () => {
    const out = join(root, 'dist');
    const cacheDir = join(root, 'cache');
    await writeSite(out, [0, 1, 2, 3]);
    const list = async () => indexedPages(await listFiles(out));
    await (await updateSearchCopy(cacheDir, out, await list(), folderDigests(out))).listed;
    const { folder, listFile } = searchCopyPlace(cacheDir);
    // A page with nothing cut is the output's own file; a cut one is a file of its own.
    expect(statSync(join(folder, 'catalog/item-1/index.html')).ino).toBe(statSync(join(out, 'catalog/item-1/index.html')).ino);
    expect(statSync(join(folder, 'catalog/item-2/index.html')).ino).not.toBe(statSync(join(out, 'catalog/item-2/index.html')).ino);

    // The next build: item 2 changed (written as a new file), item 3 gone.
    await rm(join(out, 'catalog/item-2/index.html'));
    await writeFile(join(out, 'catalog/item-2/index.html'), page(2).replace('<h1', '<p>quokka</p><h1'));
    await rm(join(out, 'catalog/item-3'), { recursive: true });
    const again = await updateSearchCopy(cacheDir, out, await list(), folderDigests(out));
    await again.listed;
    expect(again).toMatchObject({ made: 1, cut: 1 });
    expect(await readFile(join(folder, 'catalog/item-2/index.html'), 'utf8')).toContain('quokka');
    expect(existsSync(join(folder, 'catalog/item-3/index.html'))).toBe(false);
    expect(JSON.parse(await readFile(listFile, 'utf8')).map(([file]: [string]) => file)).toEqual(await list());
    expect(await walkedIndex(folder)).toBe(await walkedIndex(out));
  });

  it('is made whole again when its list is missing (a copy cut short)', async () => {
    const out = join(root, 'dist');
    const cacheDir = join(root, 'cache');
    await writeSite(out, [0, 1]);
    const pages = indexedPages(await listFiles(out));
    await (await updateSearchCopy(cacheDir, out, pages, folderDigests(out))).listed;
    const { folder, listFile } = searchCopyPlace(cacheDir);
    await writeFile(join(folder, 'catalog/item-0/index.html'), 'left half written');
    await rm(listFile);
    const made = await updateSearchCopy(cacheDir, out, pages, folderDigests(out));
    await made.listed;
    expect(made.made).toBe(3);
    expect(await readFile(join(folder, 'catalog/item-0/index.html'), 'utf8')).toBe(searchCopyOf(page(0)));
  });
});
