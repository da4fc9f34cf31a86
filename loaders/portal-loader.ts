import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader, LoaderContext } from 'astro/loaders';
import { z } from 'zod';
import { buildCatalog, sourcesOf, type Catalog } from './catalog/build-catalog.ts';
import { configSchema, type LoadedConfig } from './config.ts';
import { buildPortalDocs, type PortalDocs } from './docs/portal-docs.ts';
import { writePageHtml } from './docs/page-html.ts';
import { docsSiteSchema, storedDocsPageSchema } from './docs/schema.ts';
import { countProblems, problemId, problemSchema, sortProblems, type Problem } from './problems.ts';

export { docsSiteSchema, storedDocsPageSchema };

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

/** Everything one build derives from the sources. */
interface Portal {
  catalog: Catalog;
  docs: PortalDocs;
  problems: Problem[];
}

/** Stores entries whose data changed, skips the rest, deletes what was not seen this run. */
async function syncStore(context: LoaderContext, entries: { id: string; data: Record<string, unknown> }[]): Promise<void> {
  const seen = new Set<string>();
  for (const { id, data } of entries) {
    seen.add(id);
    const digest = context.generateDigest(JSON.stringify(data));
    if (context.store.get(id)?.digest === digest) continue;
    context.store.set({ id, data: await context.parseData({ id, data }), digest });
  }
  for (const id of context.store.keys()) if (!seen.has(id)) context.store.delete(id);
}

/**
 * Loaders for the portal's collections. One crawl feeds them all: whichever loader runs
 * first starts it, the others await the same result.
 */
export function catalogLoaders(loaded: LoadedConfig): Record<'entities' | 'problems' | 'docsSites' | 'docsPages', Loader> {
  optionsSchema.parse({ loaded });
  let portal: Promise<Portal> | undefined;
  let served = 0;
  const portalFor = async (context: LoaderContext): Promise<Portal> => {
    portal ??= (async () => {
      const cacheDir = fileURLToPath(context.config.cacheDir);
      const catalog = await buildCatalog(sourcesOf(loaded, { cacheDir, logger: context.logger }), { extraKinds: loaded.config.catalog.extraKinds, logger: context.logger });
      const docs = await buildPortalDocs(catalog, { base: loaded.config.site.base, cacheDir, logger: context.logger });
      return { catalog, docs, problems: sortProblems([...catalog.problems, ...docs.problems]) };
    })();
    const current = portal;
    // Once all four collections have their data, let it go: the store has it now, and the
    // next sync (in dev, after a change) crawls again instead of reusing a stale portal.
    if (++served === 4) {
      portal = undefined;
      served = 0;
    }
    return current;
  };

  return {
    entities: {
      name: 'playbill-entities',
      schema: catalogNodeSchema,
      async load(context) {
        const { catalog } = await portalFor(context);
        await syncStore(context, catalog.nodes.map((node) => ({ id: node.ref, data: { ...node } })));
        context.logger.info(`${catalog.nodes.length} entities from ${catalog.repositories.length} repositories`);
      },
    },
    problems: {
      name: 'playbill-problems',
      schema: problemSchema,
      async load(context) {
        const { problems } = await portalFor(context);
        await syncStore(context, problems.map((problem, i) => ({ id: problemId(i), data: { ...problem } })));
        const { errors, warnings } = countProblems(problems);
        context.logger.info(`${errors} errors, ${warnings} warnings (see /catalog/problems/)`);
      },
    },
    docsSites: {
      name: 'playbill-docs-sites',
      schema: docsSiteSchema,
      async load(context) {
        const { docs } = await portalFor(context);
        await syncStore(context, docs.sites.map((site) => ({ id: site.entityRef, data: { ...site } })));
      },
    },
    docsPages: {
      name: 'playbill-docs-pages',
      schema: storedDocsPageSchema,
      async load(context) {
        const { docs } = await portalFor(context);
        const stored = await writePageHtml(join(fileURLToPath(context.config.cacheDir), 'playbill', 'html'), docs.pages);
        await syncStore(context, stored.map((page) => ({ id: `${page.entityRef}/${page.slug}`, data: { ...page } })));
      },
    },
  };
}
