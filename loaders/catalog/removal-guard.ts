import { z } from 'zod';
import { readCacheFile, writeCacheFile } from '../cache-files.ts';

/**
 * The guard against publishing a portal that lost most of a source at once (a GitHub App
 * uninstalled from most repositories, a token that lost access, an org renamed): the build
 * stops, and the deployed portal stays as it was, unless the removal is confirmed.
 */

/** Thrown when a source shrank past the allowed share; the message says how to confirm it. */
export class MassRemovalError extends Error {}

/** Options of {@link checkRemovals}. */
export interface RemovalGuardOptions {
  /** Where the last good build's entity count per source is kept (the build cache). */
  file: string;
  /** Largest share of a source's entities that may go at once, 0 to 1. */
  maxDrop: number;
  /** Set when the removal is deliberate: the build goes on and the new counts become the baseline. */
  allow: boolean;
}

const countsSchema = z.object({ version: z.literal(1), entities: z.record(z.string(), z.number()) });

/**
 * Compares each source's entity count with the last good build's. Past the allowed drop it
 * throws, naming the source, both counts and the settings that confirm it; otherwise it
 * records the counts as the new baseline.
 */
export async function checkRemovals(counts: ReadonlyMap<string, number>, options: RemovalGuardOptions): Promise<void> {
  const before = (await readCacheFile(options.file, countsSchema))?.entities ?? {};
  const drops: string[] = [];
  for (const [source, now] of counts) {
    const was = before[source];
    if (was === undefined || was === 0) continue;
    const dropped = (was - now) / was;
    if (dropped > options.maxDrop) drops.push(`${source} had ${was} entities in the last good build and has ${now} now (${Math.round(dropped * 100)}% gone)`);
  }
  if (drops.length > 0 && !options.allow) {
    throw new MassRemovalError(
      `Stopped before publishing a portal that lost most of a source:\n  ${drops.join('\n  ')}\n` +
        `The deployed portal stays as it was. If a token or GitHub App lost access, restore it and build again. ` +
        `If the removal is deliberate, build once with PLAYBILL_ALLOW_REMOVAL=1, or raise catalog.maxRemovedShare (now ${options.maxDrop}) in the config.`,
    );
  }
  await writeCacheFile(options.file, { version: 1, entities: { ...before, ...Object.fromEntries(counts) } });
}
