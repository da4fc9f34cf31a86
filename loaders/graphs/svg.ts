import { createHash } from 'node:crypto';
import { BOX } from './layout.ts';
import { textWidth } from './measure.ts';
import type { GraphDrawing, LaidOut, Subgraph } from './subgraph.ts';

/** Escapes text for an XML text node or a double-quoted attribute. */
function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A path through the layout's points, with the corners rounded off. */
function edgePath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  if (rest.length === 1) return `M${first.x},${first.y}L${rest[0]?.x},${rest[0]?.y}`;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const control = rest[i];
    const next = rest[i + 1];
    if (!control || !next) continue;
    d += `Q${control.x},${control.y} ${(control.x + next.x) / 2},${(control.y + next.y) / 2}`;
  }
  const last = rest[rest.length - 1];
  return last ? `${d}L${last.x},${last.y}` : d;
}

/** Options of {@link drawSvg}. */
export interface DrawOptions {
  /** The link of an entity's page, with the site's base. */
  hrefFor: (ref: string) => string;
  /** Extra attributes per node, e.g. the owner for the explorer's filter. */
  nodeData?: (ref: string) => Record<string, string>;
}

/**
 * The SVG of a laid-out subgraph: boxes coloured by kind (classes the site styles for light
 * and dark), each linking to its entity; one labelled arrow per merged relation pair; a title
 * and description for screen readers. Ids are unique per drawing, so several fit on a page.
 */
export function drawSvg(graph: Subgraph, layout: LaidOut, options: DrawOptions): string {
  const id = `g${createHash('sha256').update(graph.title).update(JSON.stringify(graph.nodes.map((n) => n.id))).digest('hex').slice(0, 8)}`;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="relation-graph" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-labelledby="${id}-t ${id}-d">`,
    `<title id="${id}-t">${xml(graph.title)}</title>`,
    `<desc id="${id}-d">${graph.nodes.length} boxes and ${graph.edges.length} relations; the same relations are listed beside the drawing.</desc>`,
    `<defs><marker id="${id}-a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="g-arrowhead"/></marker></defs>`,
    '<g class="g-edges">',
  );
  graph.edges.forEach((edge, i) => {
    const placed = layout.edges[i];
    if (!placed) return;
    const labelWidth = textWidth(edge.label, BOX.edgeLabelSize) + 6;
    out.push(
      `<g class="g-edge" data-relation="${edge.relation}" data-from="${xml(edge.from)}" data-to="${xml(edge.to)}">`,
      `<path d="${edgePath(placed.points)}" marker-end="url(#${id}-a)"/>`,
      `<rect class="g-edge-label-bg" x="${(placed.labelX - labelWidth / 2).toFixed(1)}" y="${placed.labelY - 8}" width="${labelWidth.toFixed(1)}" height="15" rx="3"/>`,
      `<text class="g-edge-label" x="${placed.labelX}" y="${placed.labelY + 3.5}" text-anchor="middle">${xml(edge.label)}</text></g>`,
    );
  });
  out.push('</g><g class="g-nodes">');
  graph.nodes.forEach((node, i) => {
    const placed = layout.nodes[i];
    if (!placed) return;
    const x = placed.x - placed.width / 2;
    const y = placed.y - placed.height / 2;
    const classes = `g-node g-kind-${xml(node.kind.replace(/[^a-z0-9-]/g, ''))}${node.focus ? ' g-focus' : ''}`;
    const data = node.ref ? Object.entries({ ref: node.ref, kind: node.kind, ...options.nodeData?.(node.ref) }).map(([k, v]) => ` data-${k}="${xml(v)}"`).join('') : '';
    const body =
      `<rect x="${x}" y="${y}" width="${placed.width}" height="${placed.height}" rx="6"/>` +
      `<text class="g-caption" x="${placed.x}" y="${placed.y - 5}" text-anchor="middle">${xml(node.caption)}</text>` +
      `<text class="g-label" x="${placed.x}" y="${placed.y + 13}" text-anchor="middle">${xml(node.label)}</text>`;
    out.push(
      node.ref
        ? `<a class="${classes}" href="${xml(options.hrefFor(node.ref))}"${node.focus ? ' aria-current="page"' : ''}${data}><title>${xml(node.ref)}</title>${body}</a>`
        : `<g class="${classes}"><title>${xml(node.label)}</title>${body}</g>`,
    );
  });
  out.push('</g></svg>');
  return out.join('');
}

/** The drawing a page stores: the SVG plus the same relations as sentences. */
export function toDrawing(view: GraphDrawing['view'], graph: Subgraph & { summarised?: number }, svg: string, entityRef?: string): GraphDrawing {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const sentences = graph.edges.map((e) => {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    return {
      from: from?.label ?? e.from,
      label: e.label,
      to: to?.label ?? e.to,
      ...(from?.ref ? { fromRef: from.ref } : {}),
      ...(to?.ref ? { toRef: to.ref } : {}),
    };
  });
  return { view, title: graph.title, svg, sentences, summarised: graph.summarised ?? 0, ...(entityRef ? { entityRef } : {}) };
}
