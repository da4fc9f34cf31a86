import { createHash } from 'node:crypto';
import dagre from '@dagrejs/dagre';
import { textWidth } from './measure.ts';
import type { LaidOut, Subgraph } from './subgraph.ts';

/** Box and text sizes, in pixels; the SVG uses the same numbers. */
export const BOX = { labelSize: 13, captionSize: 10.5, padX: 12, height: 44, minWidth: 96, edgeLabelSize: 10.5, grid: 8 } as const;

/**
 * Width of a box: its wider line plus padding, rounded up to the grid so that drawings of
 * the same shape share one layout.
 */
export function boxWidth(label: string, caption: string): number {
  const width = Math.max(BOX.minWidth, textWidth(label, BOX.labelSize, true) + 2 * BOX.padX, textWidth(caption, BOX.captionSize) + 2 * BOX.padX);
  return Math.ceil(width / BOX.grid) * BOX.grid;
}

/** What the layout of a subgraph depends on: box sizes and edges by position, never names. */
export interface LayoutInput {
  nodes: { width: number; height: number }[];
  edges: { from: number; to: number; labelWidth: number }[];
}

/** The layout input of a subgraph. */
export function layoutInput(graph: Subgraph): LayoutInput {
  const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
  return {
    nodes: graph.nodes.map((n) => ({ width: boxWidth(n.label, n.caption), height: BOX.height })),
    edges: graph.edges.map((e) => ({ from: position.get(e.from) ?? -1, to: position.get(e.to) ?? -1, labelWidth: Math.ceil(textWidth(e.label, BOX.edgeLabelSize)) + 6 })),
  };
}

/** The key a layout is cached under: drawings of the same shape share it. */
export function layoutKey(input: LayoutInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('base64url').slice(0, 22);
}

/** Lays a subgraph out top to bottom with dagre (the layout Backstage's catalog graph uses). Pure. */
export function layoutGraph(input: LayoutInput): LaidOut {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 56, edgesep: 12, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  input.nodes.forEach((node, i) => g.setNode(`n${i}`, { width: node.width, height: node.height }));
  input.edges.forEach((edge, i) => g.setEdge(`n${edge.from}`, `n${edge.to}`, { width: edge.labelWidth, height: 14, labelpos: 'c' }, `e${i}`));
  dagre.layout(g);
  const round = (n: number | undefined) => Math.round((n ?? 0) * 10) / 10;
  const label = g.graph();
  return {
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    nodes: input.nodes.map((node, i) => {
      const placed = g.node(`n${i}`);
      return { id: `n${i}`, x: round(placed.x), y: round(placed.y), width: node.width, height: node.height };
    }),
    edges: input.edges.map((edge, i) => {
      const placed = g.edge(`n${edge.from}`, `n${edge.to}`, `e${i}`);
      return { points: (placed.points ?? []).map((p: { x: number; y: number }) => ({ x: round(p.x), y: round(p.y) })), labelX: round(placed.x), labelY: round(placed.y) };
    }),
  };
}
