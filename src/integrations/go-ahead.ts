import { readFile } from 'node:fs/promises';
import { untilFileExists } from '../../loaders/file-trees.ts';

/** What the build script asks of Astro along with its go-ahead (`PLAYBILL_START_FILE`'s JSON). */
export interface GoAhead {
  /**
   * Only source files changed since the last build: build the portal's content first, and
   * if only docs pages' text changed, write the output from the last one without building
   * pages (src/integrations/quick-rebuild.ts), telling the build script in `resultFile`.
   */
  tryQuick?: { out: string; cacheDir: string; resultFile: string; linkedFile: string };
}

/**
 * `npm run build` starts Astro before it knows whether a build is needed (scripts/build.ts):
 * Astro loads its code while the build script checks whether the last build's output can be
 * put back. astro.config.mjs calls this before it reads or writes anything. It returns once
 * the file `PLAYBILL_START_FILE` names exists (the go-ahead), with what that file asks, at
 * once without that variable, and throws if the process that started Astro is gone (so no
 * orphan waits for ever). When no build is needed, the build script stops Astro while it
 * waits here.
 */
export async function waitForGoAhead(file = process.env['PLAYBILL_START_FILE']): Promise<GoAhead> {
  if (!file) return {};
  const parent = process.ppid;
  await untilFileExists(file, 10, () => {
    if (process.ppid !== parent) throw new Error('the build script exited before it let Astro start');
  });
  const text = await readFile(file, 'utf8');
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  const quick = typeof value === 'object' && value !== null && 'tryQuick' in value ? value.tryQuick : undefined;
  const strings = (v: unknown): v is NonNullable<GoAhead['tryQuick']> =>
    typeof v === 'object' && v !== null && ['out', 'cacheDir', 'resultFile', 'linkedFile'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string');
  return strings(quick) ? { tryQuick: quick } : {};
}
