import { z } from 'zod';
import { readCacheFile, writeCacheFile } from '../cache-files.ts';
import { laidOutSchema, type LaidOut } from './subgraph.ts';

const fileSchema = z.object({ version: z.literal(1), layouts: z.record(z.string(), laidOutSchema) });

/**
 * Layouts kept between builds, keyed by the shape they were computed for, so a rebuild in
 * which no drawing changed shape lays out nothing. Entries not used this build are dropped
 * when it is saved; a missing or unreadable file is an empty cache.
 */
export class LayoutCache {
  private readonly stored = new Map<string, LaidOut>();
  private readonly used = new Map<string, LaidOut>();
  hits = 0;
  misses = 0;

  /** Reads the cache file, if there is a valid one. */
  async load(file: string): Promise<void> {
    const cached = await readCacheFile(file, fileSchema);
    for (const [key, layout] of Object.entries(cached?.layouts ?? {})) this.stored.set(key, layout);
  }

  /** The layout for `key`, computing (and keeping) it on a miss. */
  get(key: string, compute: () => LaidOut): LaidOut {
    const known = this.used.get(key) ?? this.stored.get(key);
    if (known) {
      this.hits++;
      this.used.set(key, known);
      return known;
    }
    this.misses++;
    const layout = compute();
    this.used.set(key, layout);
    return layout;
  }

  /** Writes the layouts used this build, atomically (a killed build leaves the old file whole). */
  async save(file: string): Promise<void> {
    await writeCacheFile(file, { version: 1, layouts: Object.fromEntries(this.used) });
  }

}
