import { z } from 'zod';
import { relationTypeSchema } from '../catalog/relations.ts';

/**
 * The shapes of the relation graphs drawn at build time: what is extracted from the catalog
 * (a subgraph), what the layout adds (positions), and what a page shows (the drawing with
 * the same relations as a list).
 */

/** One box of a drawing: an entity, or a summary of entities left out ("+42 components"). */
export const graphNodeSchema = z.object({
  /** Entity ref, or `summary:…` for a summary box. */
  id: z.string(),
  /** Lowercase kind, e.g. `component`; colours the box. */
  kind: z.string(),
  /** Title or name (shortened to fit when long). */
  label: z.string(),
  /** The line above the label: kind, with the spec type when there is one. */
  caption: z.string(),
  /** The entity the drawing is about. */
  focus: z.boolean().default(false),
  /** Link target, for entities. */
  ref: z.string().optional(),
});
export type GraphNode = z.infer<typeof graphNodeSchema>;

/** One arrow: a relation pair merged into one labelled edge, read from `from` to `to`. */
export const graphEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** The pair's direction this arrow reads in, e.g. `ownerOf` for a group owning a component. */
  relation: relationTypeSchema,
  /** e.g. `owns`. */
  label: z.string(),
});
export type GraphEdge = z.infer<typeof graphEdgeSchema>;

/** What is drawn: nodes and merged edges, before layout. */
export const subgraphSchema = z.object({
  /** Short title, read out by screen readers and shown as a tooltip. */
  title: z.string(),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
});
export type Subgraph = z.infer<typeof subgraphSchema>;

/** A subgraph with positions, from the layout (or the layout cache). */
export const laidOutSchema = z.object({
  width: z.number(),
  height: z.number(),
  nodes: z.array(z.object({ id: z.string(), x: z.number(), y: z.number(), width: z.number(), height: z.number() })),
  edges: z.array(z.object({ points: z.array(z.object({ x: z.number(), y: z.number() })), labelX: z.number(), labelY: z.number() })),
});
export type LaidOut = z.infer<typeof laidOutSchema>;

/** What the site stores and renders for one drawing. */
export const graphDrawingSchema = z.object({
  /** `neighbourhood`, `system-map`, `team-tree` or `catalog`. */
  view: z.enum(['neighbourhood', 'system-map', 'team-tree', 'catalog']),
  /** The entity the drawing belongs to (absent for the whole catalog). */
  entityRef: z.string().optional(),
  title: z.string(),
  /** The SVG, ready to inline. */
  svg: z.string(),
  /** The same relations as sentences, for the list beside the picture. */
  sentences: z.array(z.object({ from: z.string(), fromRef: z.string().optional(), label: z.string(), to: z.string(), toRef: z.string().optional() })),
  /** Entities left out of the drawing, when it was summarised. */
  summarised: z.number(),
});
export type GraphDrawing = z.infer<typeof graphDrawingSchema>;

/** A drawing as the `graphs` collection holds it: the SVG in a digest-named file of the cache. */
export const storedDrawingSchema = graphDrawingSchema.omit({ svg: true }).extend({
  /** Absolute path of the SVG; the name is the digest of the content. */
  svgFile: z.string(),
});
