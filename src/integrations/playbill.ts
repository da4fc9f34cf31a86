import { createHash } from 'node:crypto';
import { cp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';
import { z } from 'zod';
import { assetPaths } from '../../loaders/docs/docs-build.ts';

const manifestSchema = z.object({ digest: z.string(), files: z.array(z.string()) });

/**
 * After the build: copies the docs assets the loaders gathered, indexes the site with
 * Pagefind, and writes the service worker that keeps the portal readable offline.
 */
export function playbill(): AstroIntegration {
  let cacheDir = '';
  let base = '/';
  return {
    name: 'playbill',
    hooks: {
      'astro:config:done': ({ config }) => {
        cacheDir = fileURLToPath(config.cacheDir);
        base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        const { dir: assets, manifest } = assetPaths(cacheDir);
        const listed = manifestSchema.safeParse(JSON.parse(await readFile(manifest, 'utf8').catch(() => '{"digest":"","files":[]}')));
        const files = listed.success ? listed.data.files : [];
        for (const file of files) await cp(join(assets, file), join(out, file));
        logger.info(`copied ${files.length} docs assets`);
        await indexSite(out, logger);
        await writeServiceWorker(out, base, logger);
      },
    },
  };
}

/** Sum of file sizes under a folder. */
async function folderSize(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
    files++;
  }
  return { bytes, files };
}

/**
 * Builds the Pagefind index of the built site through Pagefind's Node API. Only elements
 * marked `data-pagefind-body` (entity and docs content) are indexed. Any indexing error
 * fails the build.
 */
async function indexSite(out: string, logger: { info(message: string): void }): Promise<void> {
  const started = Date.now();
  try {
    // Past 4,000 pages, result fragments are bundled into shared files, so a big portal
    // stays under the 20,000-file limit some hosts have.
    const { index, errors } = await pagefind.createIndex({ includeCharacters: '-_.', maxFragments: 4000 });
    if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
    const added = await index.addDirectory({ path: out });
    if (added.errors.length) throw new Error(`Pagefind indexing failed: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: join(out, 'pagefind') });
    if (written.errors.length) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
    const size = await folderSize(join(out, 'pagefind'));
    logger.info(`search: indexed ${added.page_count} pages in ${Date.now() - started} ms; index ${size.files} files, ${(size.bytes / 1024).toFixed(0)} KiB`);
  } finally {
    await pagefind.close();
  }
}

/** Files under a folder, as paths relative to it with `/` separators. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1).split('\\').join('/'));
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
async function writeServiceWorker(out: string, base: string, logger: { info(message: string): void }): Promise<void> {
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
  logger.info(`offline: service worker caches ${precache.length} files on install and ${warm.length} result fragments in the background`);
}
