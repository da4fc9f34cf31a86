import { getCollection, type CollectionEntry } from 'astro:content';
import { parseEntityRef } from '../../loaders/catalog/refs.ts';
import { getCatalog } from './catalog-data.ts';
import { withBase } from './urls.ts';

export type StoredTemplate = CollectionEntry<'templates'>['data'];

let cache: Promise<StoredTemplate[]> | undefined;

/** Every software template that can run (a template whose spec cannot is a problem instead). */
export function getTemplates(): Promise<StoredTemplate[]> {
  // Astro warns about reading an empty collection; a catalog without templates is normal.
  cache ??= getCatalog().then(async ({ nodes }) => (nodes.some((n) => n.entity.kind === 'Template') ? (await getCollection('templates')).map((e) => e.data) : []));
  return cache;
}

/** Static paths of the template pages (the form and its template.json): one per template. */
export async function templatePaths() {
  return (await getTemplates()).map((template) => {
    const { namespace, name } = parseEntityRef(template.entityRef);
    return { params: { namespace: namespace.toLowerCase(), name: name.toLowerCase() }, props: { template } };
  });
}

/** `/create/templates/{namespace}/{name}/`, Backstage's URL for a template's form. */
export function templateFormPath(ref: string): string {
  const { namespace, name } = parseEntityRef(ref);
  return withBase(`/create/templates/${namespace}/${name}/`.toLowerCase());
}

/** What the support badge says, and its longer explanation. */
export function supportLabel(support: StoredTemplate['support']): { label: string; detail: string } {
  if (support.level === 'full') return { label: 'Runs fully here', detail: 'Every step runs in this page and in the CLI.' };
  if (support.level === 'partial') {
    return { label: 'Runs partly here', detail: `Builds its files here; only Backstage runs ${support.backstageOnly.join(', ')}.` };
  }
  return {
    label: 'Backstage only',
    detail: support.backstageOnly.length > 0 ? `Its files come from ${support.backstageOnly.join(', ')}, which only Backstage runs.` : 'It has no step that builds files.',
  };
}
