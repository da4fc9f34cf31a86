import { entityUrl, joinBase } from '../../loaders/site-paths.ts';
import { site } from './site.ts';

/**
 * Prefixes a site path with the configured base, e.g. `/portal/catalog/`. Reads the validated
 * config, not `import.meta.env.BASE_URL`, which a stray `BASE_URL` environment variable overrides.
 */
export function withBase(path: string): string {
  return joinBase(site.base, path);
}

/** `/catalog/{namespace}/{kind}/{name}/`, lowercased like Backstage's URLs. */
export function entityPath(ref: string): string {
  return entityUrl(site.base, ref);
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * Returns the URL when its scheme is safe to link to (http, https, mailto), else undefined,
 * so `javascript:` and `data:` links from repositories never reach an href.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return SAFE_SCHEMES.has(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}
