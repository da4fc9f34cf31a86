import { parseEntityRef } from '../../loaders/catalog/refs.ts';
import { site } from './site.ts';

/**
 * Prefixes a site path with the configured base, e.g. `/portal/catalog/`. Reads the validated
 * config, not `import.meta.env.BASE_URL`, which a stray `BASE_URL` environment variable overrides.
 */
export function withBase(path: string): string {
  const base = site.base.replace(/\/$/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

/** `/catalog/{namespace}/{kind}/{name}/`, lowercased like Backstage's URLs. */
export function entityPath(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return withBase(`/catalog/${enc(namespace)}/${enc(kind)}/${enc(name)}/`);
}

function enc(part: string): string {
  return encodeURIComponent(part.toLowerCase());
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
