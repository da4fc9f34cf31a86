/**
 * A step of `npm run build`, in its own short-lived process while Astro starts (so the build
 * script stays small while Astro runs): empties the output folder (but for `.git`, as Astro
 * would) and links into it the pages Astro's incremental build kept from its last run
 * (`<cacheDir>/dist/`). Astro, told not to empty the folder, then leaves a page whose inputs
 * did not change where it is instead of copying it from its cache (at 10,000 docs pages it
 * spent 8.2 s copying 12,941 pages), and renders the others over their links (its cache
 * holds the same bytes); the integration deletes the linked pages it did not build again.
 *
 * With `--kept`, it links the last build's whole kept output instead (but for what the search
 * step writes), for a rebuild that only docs text may have changed: Astro's process builds
 * the content meanwhile and, if only docs text changed, writes those pages over their links
 * once this is done (loaders/quick-rebuild.ts). Making the output's 2,700 folders took
 * 0.3 s of that process's time before it.
 *
 *   node scripts/prepare-output.ts OUT_DIR CACHE_DIR LIST_FILE [--kept]
 *
 * Writes LIST_FILE last, `{ "files": [...] }` or `{ "error": "..." }`: the integration (or
 * the rebuild) waits for it before it writes anything into the output folder.
 */
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheLayout } from '../loaders/cache-layout.ts';
import { linkFiles, listFiles, parseDigestList, writtenBySearchStep } from '../loaders/file-trees.ts';

const [out = '', cacheDir = '', listFile = '', mode] = process.argv.slice(2);
let result: { files: string[] } | { error: string };
try {
  const { lastOutput, lastOutputFiles } = cacheLayout(cacheDir);
  const kept = mode === '--kept' ? lastOutput : join(cacheDir, 'dist');
  const files = mode === '--kept' ? [...parseDigestList(await readFile(lastOutputFiles, 'utf8')).keys()].filter((file) => !writtenBySearchStep(file)) : await listFiles(kept);
  const entries = await readdir(out).catch(() => []);
  await Promise.all(entries.filter((name) => name !== '.git').map((name) => rm(join(out, name), { recursive: true, force: true })));
  await linkFiles(kept, files, out, async () => undefined);
  result = { files };
} catch (error) {
  result = { error: error instanceof Error ? error.message : String(error) };
}
await writeFile(`${listFile}.part`, JSON.stringify(result));
await rename(`${listFile}.part`, listFile);
