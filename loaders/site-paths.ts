import { parseEntityRef } from './catalog/refs.ts';

/**
 * The one way Playbill joins a site path with the configured base (`/` or `/portal/`), and
 * the entity URLs built on it, lowercased like Backstage's so links survive a migration.
 */

/** `/portal/` + `/catalog/` → `/portal/catalog/`; `base` ends with `/`, `path` starts with one or not. */
export function joinBase(base: string, path: string): string {
  return `${base.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

function parts(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  const part = (s: string) => encodeURIComponent(s.toLowerCase());
  return `${part(namespace)}/${part(kind)}/${part(name)}`;
}

/** `/catalog/{namespace}/{kind}/{name}/` under the base. */
export function entityUrl(base: string, ref: string): string {
  return joinBase(base, `/catalog/${parts(ref)}/`);
}

/** `/docs/{namespace}/{kind}/{name}/` under the base. */
export function docsUrl(base: string, ref: string): string {
  return joinBase(base, `/docs/${parts(ref)}/`);
}
