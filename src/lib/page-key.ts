import { createHash } from 'node:crypto';
import { site } from './site.ts';

/** The site settings every page renders (title, base, URL), digested once per build. */
const siteDigest = createHash('sha256').update(JSON.stringify(site)).digest('hex');

/**
 * The `cacheKey` of a page for Astro's incremental build: a digest of every piece of data
 * the page renders. Astro reuses last build's HTML when the key and the page's code are
 * unchanged, so a part left out here would leave stale pages: list the page's whole input.
 */
export function pageKey(...inputs: unknown[]): string {
  // Maps and Sets are data too: JSON.stringify alone would write them as {}.
  const replacer = (_key: string, value: unknown) => (value instanceof Map || value instanceof Set ? [...value] : value);
  return createHash('sha256').update(JSON.stringify([siteDigest, inputs], replacer)).digest('hex');
}
