import type { CatalogNode } from '../catalog/graph.ts';
import type { Logger } from '../logger.ts';
import { entityUrl } from '../site-paths.ts';
import { catalogGraph, entityNeighbourhood, systemMap, teamTree, type CatalogIndex } from './extract.ts';
import { layoutGraph, layoutInput, layoutKey } from './layout.ts';
import type { LayoutCache } from './layout-cache.ts';
import type { GraphDrawing, Subgraph } from './subgraph.ts';
import { drawSvg, toDrawing } from './svg.ts';

/** Options of {@link buildPortalGraphs}. */
export interface PortalGraphsOptions {
  /** Site base, ending in `/`. */
  base: string;
  cache: LayoutCache;
  logger?: Logger;
}

/** A stored drawing with its id in the `graphs` collection: `{view}:{ref}`, or `catalog`. */
export interface StoredDrawing {
  id: string;
  drawing: GraphDrawing;
}

/**
 * Every relation graph of the portal: each entity's neighbourhood, each system's and
 * domain's map, each group's team tree, and the whole catalog for the explorer (when it is
 * small enough to draw). Layouts come from the cache when a drawing of the same shape was
 * laid out before.
 */
export function buildPortalGraphs(nodes: readonly CatalogNode[], options: PortalGraphsOptions): StoredDrawing[] {
  const started = Date.now();
  const index: CatalogIndex = new Map(nodes.map((n) => [n.ref, n]));
  const ownerOf = (ref: string) => index.get(ref)?.entity.relations.find((r) => r.type === 'ownedBy')?.targetRef;
  const draw = (view: GraphDrawing['view'], graph: Subgraph & { summarised?: number }, entityRef?: string, nodeData?: (ref: string) => Record<string, string>) => {
    const input = layoutInput(graph);
    const layout = options.cache.get(layoutKey(input), () => layoutGraph(input));
    const svg = drawSvg(graph, layout, { hrefFor: (ref) => entityUrl(options.base, ref), ...(nodeData ? { nodeData } : {}) });
    return toDrawing(view, graph, svg, entityRef);
  };

  const drawings: StoredDrawing[] = [];
  for (const node of nodes) {
    const neighbourhood = entityNeighbourhood(index, node.ref);
    if (neighbourhood.edges.length > 0) drawings.push({ id: `neighbourhood:${node.ref}`, drawing: draw('neighbourhood', neighbourhood, node.ref) });
    const kind = node.entity.kind;
    const map = kind === 'System' || kind === 'Domain' ? systemMap(index, node.ref) : undefined;
    if (map) drawings.push({ id: `system-map:${node.ref}`, drawing: draw('system-map', map, node.ref) });
    const tree = kind === 'Group' ? teamTree(index, node.ref) : undefined;
    if (tree) drawings.push({ id: `team-tree:${node.ref}`, drawing: draw('team-tree', tree, node.ref) });
  }
  const whole = catalogGraph(index);
  if (whole) {
    drawings.push({ id: 'catalog', drawing: draw('catalog', whole, undefined, (ref) => ({ owner: ownerOf(ref) ?? '' })) });
  }
  options.logger?.info(
    `${drawings.length} drawings in ${Date.now() - started} ms (layouts: ${options.cache.hits} reused, ${options.cache.misses} computed)${whole ? '' : '; the catalog is too large for one explorer drawing'}`,
  );
  return drawings;
}
