import { readFile } from 'node:fs/promises';
import { getCollection, getEntry, type CollectionEntry } from 'astro:content';
import { definitionViewSchema, viewDefinition, type DefinitionView } from '../../loaders/apis/definition-view.ts';
import { definitionJob } from '../../loaders/apis/portal-apis.ts';
import { problemId } from '../../loaders/problems.ts';
import { newestDocsDates } from '../../loaders/scorecards/schema.ts';
import { borrowedDocsRef } from '../../loaders/catalog/graph.ts';
import { humanizeEntityRef, parseEntityRef } from '../../loaders/catalog/refs.ts';
import type { RelationType } from '../../loaders/catalog/relations.ts';

export type CatalogNode = CollectionEntry<'entities'>['data'];
export type Entity = CatalogNode['entity'];

let cache: Promise<{ nodes: CatalogNode[]; byRef: Map<string, CatalogNode> }> | undefined;

/** Every entity, sorted by ref, with a lookup by ref. Read once per build. */
export function getCatalog() {
  cache ??= getCollection('entities').then((entries) => {
    const nodes = entries.map((e) => e.data).sort((a, b) => a.ref.localeCompare(b.ref));
    return { nodes, byRef: new Map(nodes.map((n) => [n.ref, n])) };
  });
  return cache;
}

let docs: Promise<Map<string, { url: string; title: string }>> | undefined;

/** Every entity's docs site, by entity ref. */
export function getDocsSites() {
  docs ??= getCollection('docsSites').then((sites) => new Map(sites.map((s) => [s.data.entityRef, { url: s.data.url, title: s.data.title }])));
  return docs;
}

/**
 * The docs an entity shows: its own, or those of the entity named by
 * `backstage.io/techdocs-entity` (docs borrowed from another entity, as TechDocs allows).
 */
export async function docsFor(node: CatalogNode): Promise<{ url: string; title: string } | undefined> {
  const sites = await getDocsSites();
  const borrowed = borrowedDocsRef(node.entity);
  return sites.get(node.ref) ?? (borrowed ? sites.get(borrowed) : undefined);
}

let lastChanged: Promise<Map<string, string>> | undefined;

/** When each entity's docs last changed: the newest date of its pages, by entity ref. */
export function getDocsLastChanged() {
  lastChanged ??= getCollection('docsPages').then((pages) => newestDocsDates(pages.map(({ data }) => data)));
  return lastChanged;
}

let topTags: Promise<Set<string>> | undefined;

/**
 * The tags that become search filters: the most used ones only, because every distinct
 * filter value costs every search a little (Pagefind loads filter chunks per value).
 */
export function getSearchTags(limit = 60) {
  topTags ??= getCatalog().then(({ nodes }) => {
    const counts = new Map<string, number>();
    for (const n of nodes) for (const t of n.entity.metadata.tags ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
    return new Set([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([t]) => t));
  });
  return topTags;
}

/** Every problem, in file order. */
export async function getProblems() {
  // Without a first problem there are none, and the store has no such collection: asking
  // getCollection() would log a misleading "collection is empty".
  if (!(await getEntry('problems', problemId(0)))) return [];
  const entries = await getCollection('problems');
  return entries.sort((a, b) => a.id.localeCompare(b.id)).map((e) => e.data);
}

/** Title, else name. */
export function displayName(entity: Entity): string {
  return entity.metadata.title ?? entity.metadata.name;
}

/** A spec field as a string, when it is one. */
export function specString(entity: Entity, field: string): string | undefined {
  const value = entity.spec?.[field];
  return typeof value === 'string' ? value : undefined;
}

/** The refs of one relation type. */
export function relationTargets(entity: Entity, type: RelationType): string[] {
  return entity.relations.filter((r) => r.type === type).map((r) => r.targetRef);
}

/** A short label for a ref: the name, with kind and namespace only where needed. */
export function shortRef(ref: string, defaultKind?: string): string {
  return humanizeEntityRef(parseEntityRef(ref), defaultKind ? { defaultKind } : {});
}

/** The one row of the catalog table an entity becomes. */
export interface CatalogRow {
  ref: string;
  name: string;
  title: string;
  kind: string;
  namespace: string;
  type: string;
  lifecycle: string;
  owner: string;
  ownerRef?: string;
  system: string;
  systemRef?: string;
  description: string;
  tags: string[];
}

/** Flattens an entity into the columns Backstage users know. */
export function toRow(node: CatalogNode): CatalogRow {
  const { entity } = node;
  const ownerRef = relationTargets(entity, 'ownedBy')[0];
  const systemRef = relationTargets(entity, 'partOf').find((r) => parseEntityRef(r).kind === 'system');
  const row: CatalogRow = {
    ref: node.ref,
    name: entity.metadata.name,
    title: displayName(entity),
    kind: entity.kind,
    namespace: entity.metadata.namespace,
    type: specString(entity, 'type') ?? '',
    lifecycle: specString(entity, 'lifecycle') ?? '',
    owner: ownerRef ? shortRef(ownerRef, 'group') : '',
    system: systemRef ? shortRef(systemRef, 'system') : '',
    description: entity.metadata.description ?? '',
    tags: entity.metadata.tags ?? [],
  };
  if (ownerRef) row.ownerRef = ownerRef;
  if (systemRef) row.systemRef = systemRef;
  return row;
}

let drawings: Promise<Map<string, CollectionEntry<'graphs'>['data']>> | undefined;

/**
 * A relation graph drawn at build time, when there is one: `neighbourhood:{ref}`,
 * `system-map:{ref}`, `team-tree:{ref}` or `catalog`. Read once per build.
 */
export async function getDrawing(id: string) {
  // A catalog without a single relation has no drawings, and no such collection to ask for.
  drawings ??= getCatalog().then(async ({ nodes }) =>
    nodes.some((n) => n.entity.relations.length > 0) ? new Map((await getCollection('graphs')).map((e) => [e.id, e.data])) : new Map(),
  );
  return (await drawings).get(id);
}

let apiViews: Promise<Map<string, string>> | undefined;

/**
 * The view of an API's definition (highlighted, and its operations when it is OpenAPI), or
 * undefined when the API gives its definition as a link. The build prepares views while the
 * docs render; one that is missing or unreadable is made here, the same.
 */
export async function getDefinitionView(node: CatalogNode): Promise<DefinitionView | undefined> {
  const job = definitionJob(node);
  if (!job) return undefined;
  // Without a single definition to view there is no such collection to ask for.
  apiViews ??= getCatalog().then(async ({ nodes }) =>
    nodes.some((n) => definitionJob(n) !== undefined) ? new Map((await getCollection('apiViews')).map((e) => [e.data.entityRef, e.data.viewFile])) : new Map(),
  );
  const file = (await apiViews).get(node.ref);
  if (file) {
    try {
      const kept = definitionViewSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (kept.success) return kept.data;
    } catch {
      // gone or damaged since the content sync: made again below
    }
  }
  return viewDefinition(job);
}

let pluginCards: Promise<Map<string, CollectionEntry<'pluginCards'>['data']['cards']>> | undefined;

/** The plugin cards of an entity (empty when no plugin applies). Read once per build. */
export async function getPluginCards(ref: string) {
  pluginCards ??= getCollection('pluginCards').then((entries) => new Map(entries.map((e) => [e.data.entityRef, e.data.cards])));
  return (await pluginCards).get(ref) ?? [];
}
