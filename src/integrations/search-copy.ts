/**
 * What Pagefind reads: a copy of every built page without the parts it would skip anyway.
 *
 * Pagefind parses each page whole, elements inside `data-pagefind-ignore` included, and only
 * then drops their text. An entity page carries large such parts: an API's definition
 * highlighted (about 1,100 elements on a corpus-sized one), the relation graph's drawing, the
 * scorecard, the entity as YAML: 36 of the 57 MB of pages at 1,231 docs pages, and 40% of
 * Pagefind's reading. Components wrap that content in `<Unindexed>`, which puts it between
 * the two markers below, inside an element marked `data-pagefind-ignore`; the search step
 * gives Pagefind this copy of the output with it cut out. The index is the same, byte for
 * byte (`search-copy.test.ts` builds both), and the pages people read are left whole.
 *
 * The copy is kept in the build cache with the digest of the page each file was made from,
 * so a rebuild cuts again only the pages that changed, and the search index begun while Astro
 * builds (`early-index.ts`) reads the last build's copy. A page with nothing to cut is linked
 * from the output, not copied: such a file may change when Astro writes the output's page in
 * place, which the early index checks for (the file is then newer than the list).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mapInBatches } from '../../loaders/batches.ts';
import { cacheLayout } from '../../loaders/cache-layout.ts';
import { linkFiles, parseDigestList } from '../../loaders/file-trees.ts';

/** Comments the HTML of docs pages cannot hold (their sanitiser drops comments); Astro keeps them. */
export const UNINDEXED_START = '<!--playbill:unindexed-->';
export const UNINDEXED_END = '<!--/playbill:unindexed-->';

/**
 * The page as Pagefind reads it: everything between each start marker and the end marker
 * after it cut out. A page whose markers do not pair up, or where a cut would take an
 * attribute Pagefind reads (`data-pagefind-…`: a filter, a weight), is given whole.
 */
export function searchCopyOf(html: string): string {
  let start = html.indexOf(UNINDEXED_START);
  if (start < 0) return html;
  const kept: string[] = [];
  let from = 0;
  while (start >= 0) {
    const end = html.indexOf(UNINDEXED_END, start + UNINDEXED_START.length);
    if (end < 0) return html;
    const cut = html.slice(start + UNINDEXED_START.length, end);
    if (cut.includes(UNINDEXED_START) || cut.includes('data-pagefind-')) return html;
    if (html.slice(from, start).includes(UNINDEXED_END)) return html;
    kept.push(html.slice(from, start));
    from = end + UNINDEXED_END.length;
    start = html.indexOf(UNINDEXED_START, from);
  }
  const rest = html.slice(from);
  if (rest.includes(UNINDEXED_END)) return html;
  kept.push(rest);
  return kept.join('');
}

/** Where the copy is kept: its folder, and the list of each page's digest it was made from. */
export function searchCopyPlace(cacheDir: string): { folder: string; listFile: string } {
  const { searchCopy, searchCopyList } = cacheLayout(cacheDir);
  return { folder: searchCopy, listFile: searchCopyList };
}

/**
 * Brings the copy in `cacheDir` up to the output's `pages`: each page whose digest is not the
 * one listed is made again, each page the output no longer has removed. The list is removed
 * first and written last (`listed`, once every page's digest is known), so a copy cut short
 * is never trusted: the next build makes it whole. Without a list, every page is made
 * without waiting for the digests. Returns how many pages were made, and how many of those
 * had parts cut out, once the copy's files are there.
 */
export async function updateSearchCopy(
  cacheDir: string,
  out: string,
  pages: readonly string[],
  digestOf: (file: string) => Promise<string>,
): Promise<{ made: number; cut: number; listed: Promise<void> }> {
  const { folder, listFile } = searchCopyPlace(cacheDir);
  const last = await readFile(listFile, 'utf8').then(parseDigestList, () => undefined);
  await rm(listFile, { force: true });
  if (!last) await rm(folder, { recursive: true, force: true });
  const digesting = mapInBatches(pages, 64, digestOf);
  digesting.catch(() => undefined);
  const now = new Set(pages);
  const changed = last ? await digesting.then((digests) => pages.filter((page, i) => last.get(page) !== digests[i])) : pages;
  for (const page of last?.keys() ?? []) if (!now.has(page)) rmSync(join(folder, page), { force: true });
  const whole: string[] = [];
  // Blocking calls one after another, as for the kept output (loaders/file-trees.ts).
  for (const page of changed) {
    const target = join(folder, page);
    if (last?.has(page)) rmSync(target, { force: true });
    const html = readFileSync(join(out, page), 'utf8');
    const copy = searchCopyOf(html);
    if (copy === html) {
      whole.push(page);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, copy);
  }
  // Linked from the output, not copied (linkFiles makes their folders).
  await linkFiles(out, whole, folder, async () => undefined);
  const cut = changed.length - whole.length;
  const listed = digesting.then((digests) => writeFile(listFile, JSON.stringify(pages.map((page, i) => [page, digests[i]]))));
  listed.catch(() => undefined);
  return { made: changed.length, cut, listed };
}
