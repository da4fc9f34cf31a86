import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { z } from 'zod';
import { assetPaths } from '../../loaders/docs/docs-build.ts';

const manifestSchema = z.object({ digest: z.string(), files: z.array(z.string()) });

/** Copies the docs assets the loaders gathered (images, PDFs…) into the built site. */
export function playbill(): AstroIntegration {
  let cacheDir = '';
  return {
    name: 'playbill',
    hooks: {
      'astro:config:done': ({ config }) => {
        cacheDir = fileURLToPath(config.cacheDir);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        const { dir: assets, manifest } = assetPaths(cacheDir);
        const listed = manifestSchema.safeParse(JSON.parse(await readFile(manifest, 'utf8').catch(() => '{"digest":"","files":[]}')));
        const files = listed.success ? listed.data.files : [];
        for (const file of files) await cp(join(assets, file), join(out, file));
        logger.info(`copied ${files.length} docs assets`);
      },
    },
  };
}
