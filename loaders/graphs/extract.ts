import type { CatalogNode } from '../catalog/graph.ts';
import { inverseRelation, type RelationType } from '../catalog/relations.ts';
import { parseEntityRef } from '../catalog/refs.ts';
import type { GraphEdge, GraphNode, Subgraph } from './subgraph.ts';

/**
 * Which subgraph each drawing shows, as Backstage's catalog-graph plugin would: relation
 * pairs merged into one labelled edge, large neighbourhoods summarised. Pure: no I/O.
 */

/**
 * The direction each pair is drawn in, with its label: owners, systems and parents above
 * what they hold, providers and consumers above their APIs.
 */
const FORWARD: Partial<Record<RelationType, string>> = {
  ownerOf: 'owns',
  hasPart: 'has part',
  parentOf: 'parent of',
  hasMember: 'has member',
  providesApi: 'provides',
  consumesApi: 'consumes',
  dependsOn: 'depends on',
};

/** Labels longer than this are shortened with an ellipsis; the full name is in the tooltip. */
const MAX_LABEL = 28;

/** The catalog by ref, as the extractors read it. */
export type CatalogIndex = ReadonlyMap<string, CatalogNode>;

/** Options of {@link entityNeighbourhood}. */
export interface NeighbourhoodOptions {
  /** Most entities of one kind drawn for one relation before the rest become "+N kinds". Default 6. */
  maxPerGroup?: number;
  /** Depth 2 is drawn when depth 1 has at most this many entities. Default 4. */
  maxForDepthTwoFrom?: number;
  /** ...and depth 2 then has at most this many. Default 12. */
  maxForDepthTwo?: number;
}

/** The edge a relation becomes, in its pair's drawn direction. */
export function mergedEdge(from: string, type: RelationType, to: string): GraphEdge {
  const label = FORWARD[type];
  if (label !== undefined) return { from, to, relation: type, label };
  const inverse = inverseRelation(type);
  return { from: to, to: from, relation: inverse, label: FORWARD[inverse] ?? inverse };
}

const edgeKey = (e: GraphEdge) => `${e.from}\n${e.relation}\n${e.to}`;

function shorten(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

function kindOf(ref: string): string {
  return parseEntityRef(ref).kind.toLowerCase();
}

/** The box an entity (or a reference to one the catalog lacks) becomes. */
export function nodeFor(index: CatalogIndex, ref: string, focus = false): GraphNode {
  const node = index.get(ref);
  if (!node) {
    const { kind, name } = parseEntityRef(ref);
    return { id: ref, kind: kind.toLowerCase(), label: shorten(name), caption: `${kind} · not in the catalog`, focus };
  }
  const { entity } = node;
  const type = typeof entity.spec?.['type'] === 'string' ? entity.spec['type'] : undefined;
  const label = typeof entity.metadata['title'] === 'string' ? entity.metadata['title'] : entity.metadata.name;
  return { id: ref, kind: entity.kind.toLowerCase(), label: shorten(label), caption: type ? `${entity.kind} · ${type}` : entity.kind, focus, ref };
}

/** Every merged edge between entities of `refs`. */
function edgesAmong(index: CatalogIndex, refs: ReadonlySet<string>): GraphEdge[] {
  const edges = new Map<string, GraphEdge>();
  for (const ref of refs) {
    for (const relation of index.get(ref)?.entity.relations ?? []) {
      if (!refs.has(relation.targetRef)) continue;
      const edge = mergedEdge(ref, relation.type, relation.targetRef);
      edges.set(edgeKey(edge), edge);
    }
  }
  return [...edges.values()].sort((a, b) => edgeKey(a).localeCompare(edgeKey(b)));
}

function plural(kind: string, count: number): string {
  if (count === 1) return kind;
  if (kind === 'api') return 'APIs';
  return kind.endsWith('s') ? `${kind}es` : `${kind}s`;
}

/**
 * An entity and what it relates to: depth 1, or depth 2 where that stays small. More than
 * `maxPerGroup` entities of one kind on one relation are summarised as one "+N kinds" box.
 */
export function entityNeighbourhood(index: CatalogIndex, ref: string, options: NeighbourhoodOptions = {}): Subgraph & { summarised: number } {
  const maxPerGroup = options.maxPerGroup ?? 6;
  const center = index.get(ref);
  const groups = new Map<string, { edge: GraphEdge; targets: string[] }>();
  for (const relation of center?.entity.relations ?? []) {
    const edge = mergedEdge(ref, relation.type, relation.targetRef);
    const key = `${edge.relation} ${edge.from === ref ? 'out' : 'in'} ${kindOf(relation.targetRef)}`;
    const group = groups.get(key) ?? { edge, targets: [] };
    group.targets.push(relation.targetRef);
    groups.set(key, group);
  }

  const kept = new Set<string>([ref]);
  const summaries: { node: GraphNode; edge: GraphEdge }[] = [];
  let summarised = 0;
  for (const [key, { edge, targets }] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...new Set(targets)].sort();
    const shown = sorted.length > maxPerGroup ? sorted.slice(0, maxPerGroup - 1) : sorted;
    for (const target of shown) kept.add(target);
    const rest = sorted.length - shown.length;
    if (rest === 0) continue;
    summarised += rest;
    const kind = kindOf(sorted[0] ?? '');
    const id = `summary:${key}`;
    summaries.push({
      node: { id, kind: 'summary', label: `+${rest} ${plural(kind, rest)}`, caption: 'not drawn', focus: false },
      edge: edge.from === ref ? { ...edge, to: id } : { ...edge, from: id },
    });
  }

  // Only the edges walked from the entity: between two neighbours (an owner that also owns
  // the system, say) they would tangle the drawing without saying anything about the entity.
  const edges = new Map<string, GraphEdge>();
  const walk = (from: string, targets: ReadonlySet<string>) => {
    for (const relation of index.get(from)?.entity.relations ?? []) {
      if (!targets.has(relation.targetRef)) continue;
      const edge = mergedEdge(from, relation.type, relation.targetRef);
      edges.set(edgeKey(edge), edge);
    }
  };
  walk(ref, kept);

  // Depth 2 where it stays readable: a small neighbourhood with nothing summarised.
  if (summaries.length === 0 && kept.size <= (options.maxForDepthTwoFrom ?? 4) + 1) {
    const second = new Set<string>();
    for (const neighbour of kept) for (const relation of index.get(neighbour)?.entity.relations ?? []) if (!kept.has(relation.targetRef)) second.add(relation.targetRef);
    if (kept.size + second.size <= (options.maxForDepthTwo ?? 12)) {
      for (const neighbour of [...kept].filter((r) => r !== ref)) walk(neighbour, second);
      for (const r of second) kept.add(r);
    }
  }

  const nodes = [...kept].sort().map((r) => nodeFor(index, r, r === ref));
  const title = center ? `Relations of ${nodeFor(index, ref).label}` : `Relations of ${ref}`;
  return {
    title,
    nodes: [...nodes, ...summaries.map((s) => s.node)],
    edges: [...[...edges.values()].sort((a, b) => edgeKey(a).localeCompare(edgeKey(b))), ...summaries.map((s) => s.edge)],
    summarised,
  };
}

/**
 * A system's or domain's map: its direct parts (a system's components, APIs and resources; a
 * domain's systems and sub-domains) and what they use outside it, drawn as external boxes.
 * Past `maxNodes`, the parts of each kind beyond a share are summarised as one box.
 */
export function systemMap(index: CatalogIndex, ref: string, options: { maxNodes?: number } = {}): (Subgraph & { summarised: number }) | undefined {
  const maxNodes = options.maxNodes ?? 60;
  const parts = [...new Set((index.get(ref)?.entity.relations ?? []).filter((r) => r.type === 'hasPart').map((r) => r.targetRef))].sort();
  if (parts.length === 0) return undefined;
  const byKind = new Map<string, string[]>();
  for (const part of parts) {
    const kind = kindOf(part);
    const list = byKind.get(kind);
    if (list) list.push(part);
    else byKind.set(kind, [part]);
  }
  const perKind = Math.max(3, Math.floor((maxNodes - 1) / byKind.size));
  const summaries: { node: GraphNode; edge: GraphEdge }[] = [];
  let summarised = 0;
  const shownParts: string[] = [];
  for (const [kind, refs] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
    const shown = refs.length > perKind ? refs.slice(0, perKind - 1) : refs;
    shownParts.push(...shown);
    const rest = refs.length - shown.length;
    if (rest === 0) continue;
    summarised += rest;
    const id = `summary:hasPart ${kind}`;
    summaries.push({ node: { id, kind: 'summary', label: `+${rest} ${plural(kind, rest)}`, caption: 'not drawn', focus: false }, edge: { from: ref, to: id, relation: 'hasPart', label: 'has part' } });
  }
  const inside = new Set([ref, ...shownParts]);
  const outside = new Set<string>();
  for (const part of shownParts) {
    for (const relation of index.get(part)?.entity.relations ?? []) {
      if (['consumesApi', 'providesApi', 'dependsOn', 'apiProvidedBy'].includes(relation.type) && !inside.has(relation.targetRef)) outside.add(relation.targetRef);
    }
  }
  const externals = [...outside].sort();
  const shownExternal = externals.slice(0, Math.max(0, maxNodes - inside.size - summaries.length));
  summarised += externals.length - shownExternal.length;
  const all = new Set([...inside, ...shownExternal]);
  const nodes = [...all].sort().map((r) => {
    const node = nodeFor(index, r, r === ref);
    return inside.has(r) ? node : { ...node, caption: `${node.caption} · outside` };
  });
  return {
    title: `Map of ${nodeFor(index, ref).label}`,
    nodes: [...nodes, ...summaries.map((s) => s.node)],
    edges: [...edgesAmong(index, all), ...summaries.map((s) => s.edge)],
    summarised,
  };
}

/**
 * A group's team tree: its parents up to the root and its sub-teams below, each with its
 * member count and how many entities it owns.
 */
export function teamTree(index: CatalogIndex, ref: string, options: { maxNodes?: number } = {}): (Subgraph & { summarised: number }) | undefined {
  const targets = (r: string, type: RelationType) => (index.get(r)?.entity.relations ?? []).filter((x) => x.type === type).map((x) => x.targetRef);
  const refs = new Set([ref]);
  for (let parent = targets(ref, 'childOf')[0]; parent && !refs.has(parent); parent = targets(parent, 'childOf')[0]) refs.add(parent);
  const maxNodes = options.maxNodes ?? 60;
  let summarised = 0;
  const queue = [ref];
  while (queue.length > 0) {
    for (const child of targets(queue.shift() ?? '', 'parentOf').sort()) {
      if (refs.has(child)) continue;
      if (refs.size >= maxNodes) {
        summarised++;
        continue;
      }
      refs.add(child);
      queue.push(child);
    }
  }
  if (refs.size === 1) return undefined;
  const nodes = [...refs].sort().map((r) => {
    const node = nodeFor(index, r, r === ref);
    const members = targets(r, 'hasMember').length;
    const owns = targets(r, 'ownerOf').length;
    return { ...node, caption: `${members} member${members === 1 ? '' : 's'} · owns ${owns}` };
  });
  const edges = edgesAmong(index, refs).filter((e) => e.relation === 'parentOf');
  return { title: `Team tree of ${nodeFor(index, ref).label}`, nodes, edges, summarised };
}

/** Kinds the whole-catalog explorer draws: people are in the team trees instead. */
const EXPLORER_KINDS = new Set(['domain', 'system', 'component', 'api', 'resource', 'group']);

/**
 * The whole catalog for the explorer, without users, locations and templates. Undefined
 * when it has more than `maxNodes` entities, which no drawing keeps readable.
 */
export function catalogGraph(index: CatalogIndex, options: { maxNodes?: number } = {}): Subgraph | undefined {
  const refs = new Set([...index.keys()].filter((r) => EXPLORER_KINDS.has(kindOf(r))));
  if (refs.size === 0 || refs.size > (options.maxNodes ?? 250)) return undefined;
  return { title: 'The whole catalog', nodes: [...refs].sort().map((r) => nodeFor(index, r)), edges: edgesAmong(index, refs) };
}
