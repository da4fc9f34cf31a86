import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'zod';
import type { LoadedConfig } from '../loaders/config.ts';
import type * as PortalLoader from '../loaders/portal-loader.ts';

// The loaders and the config, loaded by Node in astro.config.mjs (see there); imported
// through Vite only when this file is read without them.
const preloaded = (globalThis as Record<symbol, unknown>)[Symbol.for('playbill.preloaded')] as { portalLoader: typeof PortalLoader; loaded: LoadedConfig; portal?: PortalLoader.Portal } | undefined;
const { portalLoaders, catalogNodeSchema, docsSiteSchema, storedApiViewSchema, entityCardsSchema, entityScoreSchema, problemSchema, storedDocsPageSchema, storedDrawingSchema, storedTemplateSchema } = preloaded?.portalLoader ?? (await import('../loaders/portal-loader.ts'));
const loaded = preloaded?.loaded ?? (await import('./lib/site.ts')).loaded;
const catalog = portalLoaders(loaded, preloaded?.portal);
// Held from here by the first sync only, which lets go of it once every collection has its share.
if (preloaded) delete preloaded.portal;

export const collections = {
  entities: defineCollection({ loader: catalog.entities, schema: catalogNodeSchema }),
  problems: defineCollection({ loader: catalog.problems, schema: problemSchema }),
  docsSites: defineCollection({ loader: catalog.docsSites, schema: docsSiteSchema }),
  docsPages: defineCollection({ loader: catalog.docsPages, schema: storedDocsPageSchema }),
  /** Each API's definition, highlighted and summarised while the docs render: the file it is kept in. */
  apiViews: defineCollection({ loader: catalog.apiViews, schema: storedApiViewSchema }),
  /** Relation graphs drawn at build time: neighbourhoods, system maps, team trees, the explorer. */
  graphs: defineCollection({ loader: catalog.graphs, schema: storedDrawingSchema }),
  /** Each entity's plugin cards: what its tools know, fetched at build time. */
  pluginCards: defineCollection({ loader: catalog.pluginCards, schema: entityCardsSchema }),
  /** Each entity's result on each scorecard that applies to it. */
  scorecards: defineCollection({ loader: catalog.scorecards, schema: entityScoreSchema }),
  /** Software templates: their form, support level and skeleton files. */
  templates: defineCollection({ loader: catalog.templates, schema: storedTemplateSchema }),
  /** The portal's own guides: trusted Markdown and MDX kept in this repository. */
  guides: defineCollection({
    loader: glob({ pattern: '**/*.{md,mdx}', base: './content/_guides' }),
    schema: z.object({
      title: z.string(),
      description: z.string().optional(),
      /** Position in the guides nav; lower first. */
      order: z.number().default(100),
    }),
  }),
};
