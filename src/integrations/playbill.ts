import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { z } from 'zod';
import { assetPaths } from '../../loaders/docs/portal-docs.ts';
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
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
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
