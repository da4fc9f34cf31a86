/**
 * A step of `npm run build`, in its own short-lived process while Astro starts (so the build
 * script stays small while Astro runs): empties the output folder (but for `.git`, as Astro
 * would) and links into it the pages Astro's incremental build kept from its last run
 * (`<cacheDir>/dist/`). Astro, told not to empty the folder, then leaves a page whose inputs
 * did not change where it is instead of copying it from its cache (at 10,000 docs pages it
 * spent 8.2 s copying 12,941 pages), and renders the others over their links (its cache
 * holds the same bytes); the integration deletes the linked pages it did not build again.
 *
 *   node scripts/prepare-output.ts OUT_DIR CACHE_DIR LIST_FILE
 *
 * Writes LIST_FILE last, `{ "files": [...] }` or `{ "error": "..." }`: the integration waits
 * for it before Astro writes anything into the output folder (`astro:build:start`).
 */
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { linkFiles, listFiles } from '../loaders/file-trees.ts';

const [out = '', cacheDir = '', listFile = ''] = process.argv.slice(2);
let result: { files: string[] } | { error: string };
try {
  const kept = join(cacheDir, 'dist');
  const files = await listFiles(kept);
  const entries = await readdir(out).catch(() => []);
  await Promise.all(entries.filter((name) => name !== '.git').map((name) => rm(join(out, name), { recursive: true, force: true })));
  await linkFiles(kept, files, out, async () => undefined);
  result = { files };
} catch (error) {
  result = { error: error instanceof Error ? error.message : String(error) };
}
await writeFile(`${listFile}.part`, JSON.stringify(result));
await rename(`${listFile}.part`, listFile);
