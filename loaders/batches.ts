/**
 * Repositories or docs sites read at a time while crawling: as many as Node's file-system
 * threads (4). One at a time, the crawl mostly waited on file reads; 16 were no faster, and
 * raised the 10,000-page build's peak memory by 100–350 MiB.
 */
export const SOURCES_AT_A_TIME = 4;

/**
 * Maps over items `size` at a time, in order: file I/O one at a time is bound by latency,
 * all at once runs out of file handles. Results keep the order of the items.
 */
export async function mapInBatches<T, R>(items: readonly T[], size: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(map))));
  return results;
}
