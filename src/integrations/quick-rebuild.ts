import { rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../../loaders/config.ts';
import { stdoutLogger } from '../../loaders/logger.ts';
import { buildPortal, portalSummary, type Portal } from '../../loaders/portal-loader.ts';
import { releaseHeap } from '../../loaders/release-heap.ts';
import type { GoAhead } from './go-ahead.ts';

/** What the build script reads from `resultFile`: the pages written anew, or why Astro builds them. */
export type QuickResult = { written: string[]; ms: number; options: { out: string; root: string; cacheDir: string; base: string } } | { why: string; ms: number };

/**
 * Runs in Astro's process, from astro.config.mjs, when the build script asks for it (only
 * source files changed since the last build): builds the portal's content as the content
 * sync would, and tries the rebuild without page generation (loaders/quick-rebuild.ts).
 * When it wrote the output, the result says so and the process exits: the build script
 * runs the search step. Otherwise the result says why, and the portal is returned for the
 * content sync to store, so nothing is built twice.
 */
export async function tryQuickRebuild(loaded: LoadedConfig, request: NonNullable<GoAhead['tryQuick']>): Promise<Portal | undefined> {
  const started = Date.now();
  const failed = (error: unknown) => (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  // A portal that cannot be built is left to the content sync, which reports why as usual.
  const portal = await buildPortal(loaded, request.cacheDir, stdoutLogger('playbill')).catch((error: unknown) => failed(error));
  const done =
    typeof portal === 'string'
      ? { why: `the content could not be built (${portal})` }
      : await import('../../loaders/quick-rebuild.ts')
          .then(({ quickRebuild }) => quickRebuild({ portal, cacheDir: request.cacheDir, out: request.out, linkedFile: request.linkedFile }))
          .catch((error: unknown) => ({ why: `it failed (${failed(error)})` }));
  const base = loaded.config.site.base.endsWith('/') ? loaded.config.site.base : `${loaded.config.site.base}/`;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const ms = Date.now() - started;
  const result: QuickResult = 'why' in done ? { why: done.why, ms } : { written: done.written, ms, options: { out: request.out, root, cacheDir: request.cacheDir, base } };
  if ('written' in result && typeof portal !== 'string') {
    // What the content loaders would have said (the same as at the last build: nothing else changed).
    stdoutLogger('playbill:problems').info(portalSummary.problems(portal));
    stdoutLogger('playbill:catalog').info(portalSummary.entities(portal));
  }
  await writeFile(`${request.resultFile}.part`, JSON.stringify(result));
  await rename(`${request.resultFile}.part`, request.resultFile);
  if ('written' in result) process.exit(0);
  // What the comparison made (every entry as JSON) is garbage now: collected before Astro
  // starts its build, so page generation does not peak on top of it.
  releaseHeap();
  return typeof portal === 'string' ? undefined : portal;
}
