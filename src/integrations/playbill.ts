import { cp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { z } from 'zod';
import { assetPaths } from '../../loaders/docs/portal-docs.ts';
import { preparedOutputList } from '../../loaders/prepared-output.ts';
import { finishSite, type FinishOptions } from './search-and-offline.ts';
import { copyMermaid } from './vendor.ts';

const manifestSchema = z.object({ digest: z.string(), files: z.array(z.string()) });

/**
 * After the build: copies the docs assets the loaders gathered, then indexes the site with
 * Pagefind and writes the service worker. When `PLAYBILL_FINISH_FILE` names a file (as
 * `npm run build` does), those last two steps are left to `scripts/build.ts`, which runs them
 * after Astro has exited and given its memory back: the build's peak is then the larger of
 * the two, not their sum.
 */
export function playbill(): AstroIntegration {
  let cacheDir = '';
  let root = '';
  let base = '/';
  return {
    name: 'playbill',
    hooks: {
      'astro:config:done': ({ config }) => {
        cacheDir = fileURLToPath(config.cacheDir);
        root = fileURLToPath(config.root);
        base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      },
      'astro:build:start': async () => {
        const prepared = process.env['PLAYBILL_OUT_PREPARED'];
        if (prepared) await preparedOutput(prepared);
      },
      'astro:build:done': async ({ dir, assets: built, logger }) => {
        const out = fileURLToPath(dir);
        const prepared = process.env['PLAYBILL_OUT_PREPARED'];
        if (prepared) await dropUnbuilt(out, prepared, built);
        const { dir: assets, manifest } = assetPaths(cacheDir);
        const listed = manifestSchema.safeParse(JSON.parse(await readFile(manifest, 'utf8').catch(() => '{"digest":"","files":[]}')));
        const files = listed.success ? listed.data.files : [];
        for (const file of files) await cp(join(assets, file), join(out, file));
        logger.fork('playbill:docs').info(`copied ${files.length} docs assets, and Mermaid's ${await copyMermaid(out)} modules`);
        const options: FinishOptions = { out, root, cacheDir, base };
        const later = process.env['PLAYBILL_FINISH_FILE'];
        if (later) {
          await writeFile(later, JSON.stringify(options));
          logger.fork('playbill:search').info('search index and service worker: written once Astro exits');
        } else await finishSite(options, (stage) => logger.fork(`playbill:${stage}`));
      },
    },
  };
}

/**
 * Deletes the pages `scripts/prepare-output.ts` linked into the output before the build (listed in
 * `listFile`) that Astro did not build again (`built`: every route's output files, kept ones
 * included): an entity or docs page that is gone. Folders left empty go too.
 */
async function dropUnbuilt(dir: string, listFile: string, built: Map<string, URL[]>): Promise<void> {
  const out = resolve(dir);
  const produced = new Set([...built.values()].flat().map((url) => relative(out, fileURLToPath(url)).split(sep).join('/')));
  const linked = await preparedOutput(listFile);
  for (const file of linked.filter((f) => !produced.has(f))) {
    await rm(join(out, file), { force: true });
    for (let folder = dirname(join(out, file)); folder.startsWith(`${out}${sep}`); folder = dirname(folder)) {
      if (!(await rmdir(folder).then(() => true, () => false))) break;
    }
  }
}

/**
 * The pages `scripts/prepare-output.ts` linked into the output, once it has: it prepares
 * the folder while Astro starts and writes the list last. Waits for it (a few seconds at most).
 */
async function preparedOutput(listFile: string): Promise<string[]> {
  const prepared = await preparedOutputList(listFile, 20);
  if ('error' in prepared) throw new Error(`could not prepare the output folder: ${prepared.error}`);
  return prepared.files;
}
