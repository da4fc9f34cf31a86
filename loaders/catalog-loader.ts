import type { Loader, LoaderContext } from 'astro/loaders';
import { z } from 'zod';
import { buildCatalog, sourcesOf, type Catalog } from './catalog.ts';
import { configSchema, type LoadedConfig } from './config.ts';
import { problemSchema } from './problems.ts';

/** What the `entities` collection holds per entry: the entity in Backstage's shape plus its source. */
export const catalogNodeSchema = z.object({
  ref: z.string(),
  entity: z.looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.looseObject({
      name: z.string(),
      namespace: z.string(),
      title: z.string().optional(),
      description: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      tags: z.array(z.string()).optional(),
      links: z.array(z.looseObject({ url: z.string(), title: z.string().optional(), icon: z.string().optional(), type: z.string().optional() })).optional(),
    }),
    spec: z.record(z.string(), z.unknown()).optional(),
    relations: z.array(z.object({ type: z.string(), targetRef: z.string() })),
  }),
  source: z.object({
    repository: z.string(),
    file: z.string(),
    line: z.number(),
    viewUrl: z.string().optional(),
    editUrl: z.string().optional(),
    lastModified: z.string().optional(),
  }),
});

const optionsSchema = z.object({ loaded: z.object({ config: configSchema, file: z.string(), root: z.string() }) });

/**
 * Loaders for the catalog collections. One crawl feeds both: whichever loader runs first
 * starts it, the other awaits the same result.
 */
export function catalogLoaders(loaded: LoadedConfig): { entities: Loader; problems: Loader } {
  optionsSchema.parse({ loaded });
  let crawl: Promise<Catalog> | undefined;
  const catalogFor = (context: LoaderContext) =>
    (crawl ??= buildCatalog(sourcesOf(loaded), { extraKinds: loaded.config.catalog.extraKinds, logger: context.logger }));

  return {
    entities: {
      name: 'playbill-entities',
      schema: catalogNodeSchema,
      async load(context) {
        const catalog = await catalogFor(context);
        const seen = new Set<string>();
        for (const node of catalog.nodes) {
          seen.add(node.ref);
          const digest = context.generateDigest(JSON.stringify(node));
          if (context.store.get(node.ref)?.digest === digest) continue;
          const data = await context.parseData({ id: node.ref, data: { ...node } });
          context.store.set({ id: node.ref, data, digest });
        }
        for (const id of context.store.keys()) if (!seen.has(id)) context.store.delete(id);
        context.logger.info(`${catalog.nodes.length} entities from ${catalog.repositories.length} repositories`);
      },
    },
    problems: {
      name: 'playbill-problems',
      schema: problemSchema,
      async load(context) {
        const catalog = await catalogFor(context);
        context.store.clear();
        catalog.problems.forEach((problem, i) => context.store.set({ id: String(i).padStart(6, '0'), data: { ...problem } }));
        const errors = catalog.problems.filter((p) => p.severity === 'error').length;
        context.logger.info(`${errors} errors, ${catalog.problems.length - errors} warnings (see /catalog/problems/)`);
      },
    },
  };
}
