import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { readCacheFile, writeCacheFile } from '../cache-files.ts';
import type { CachedResponse } from './http.ts';

/**
 * What plugins fetched, kept in the build cache between builds: per plugin and entity, the
 * data with its key and when it was fetched, the ETags of the responses it came from, and
 * when a build would show something else (`refreshAt`: the earliest time any of it goes
 * stale; a fetch that failed is tried again by the next build). An entity a plugin found
 * nothing for is asked again too, and taken to give nothing again while the config, the
 * secrets set and its commit are the same. Written atomically; an unreadable file is an
 * empty cache.
 */
const entrySchema = z.object({ key: z.string(), fetchedAt: z.string(), data: z.unknown() });
const fileSchema = z.object({
  version: z.literal(1),
  plugins: z.record(z.string(), z.record(z.string(), entrySchema)),
  etags: z.record(z.string(), z.object({ etag: z.string(), body: z.unknown() })),
  refreshAt: z.string().optional(),
});
export type CachedData = z.infer<typeof entrySchema>;

/**
 * Why a build now would not show the plugins' data as the last build did, if so: part of it
 * is due for a refresh (`refreshAt` has passed: data gone stale, or a fetch that failed,
 * which the next build tries again), or the cache cannot say (unreadable, or written before
 * it recorded `refreshAt`). No cache file: no data shown.
 */
export async function pluginDataDue(file: string, now: Date): Promise<string | undefined> {
  if ((await stat(file).then((s) => s.size, () => 0)) === 0) return undefined;
  const cached = await readCacheFile(file, fileSchema);
  if (!cached) return 'the plugins\' cache cannot be read';
  if (cached.refreshAt === undefined) {
    return Object.values(cached.plugins).some((entries) => Object.keys(entries).length > 0) ? 'the plugins\' cache does not say until when its data is fresh' : undefined;
  }
  if (!(Date.parse(cached.refreshAt) > now.getTime())) return `plugins fetch again what they showed (due ${cached.refreshAt.slice(0, 16).replace('T', ' ')} UTC)`;
  return undefined;
}

export class PluginCache {
  readonly etags = new Map<string, CachedResponse>();
  private readonly stored = new Map<string, Map<string, CachedData>>();
  private readonly next = new Map<string, Map<string, CachedData>>();
  private refreshAtMs = Infinity;

  async load(file: string): Promise<void> {
    const cached = await readCacheFile(file, fileSchema);
    if (!cached) return;
    for (const [plugin, entries] of Object.entries(cached.plugins)) this.stored.set(plugin, new Map(Object.entries(entries)));
    for (const [url, response] of Object.entries(cached.etags)) this.etags.set(url, { etag: response.etag, body: response.body });
  }

  /** Last build's entry for a plugin and entity. */
  get(plugin: string, ref: string): CachedData | undefined {
    return this.stored.get(plugin)?.get(ref);
  }

  /** Keeps an entry for the next build. */
  keep(plugin: string, ref: string, entry: CachedData): void {
    const entries = this.next.get(plugin) ?? new Map<string, CachedData>();
    entries.set(ref, entry);
    this.next.set(plugin, entries);
  }

  /** Notes that a build after `ms` (epoch milliseconds) fetches again what this one showed. */
  refreshBy(ms: number): void {
    this.refreshAtMs = Math.min(this.refreshAtMs, ms);
  }

  /** Writes what was kept this build; entries of entities or plugins gone are dropped. */
  async save(file: string): Promise<void> {
    const plugins = Object.fromEntries([...this.next].map(([name, entries]) => [name, Object.fromEntries(entries)]));
    const refreshAt = Number.isFinite(this.refreshAtMs) ? { refreshAt: new Date(this.refreshAtMs).toISOString() } : {};
    await writeCacheFile(file, { version: 1, plugins, etags: Object.fromEntries(this.etags), ...refreshAt });
  }

}
