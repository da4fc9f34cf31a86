import { cacheLayout } from './cache-layout.ts';
import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
import type { Loader, LoaderContext } from 'astro/loaders';
import { z } from 'zod';
import { findApiViews, listApiViews, storedApiViewSchema, type StoredApiView } from './apis/portal-apis.ts';
import { buildCatalog, sourcesOf, type Catalog } from './catalog/build-catalog.ts';
import { configSchema, type LoadedConfig } from './config.ts';
import { buildPortalDocs, type PortalDocs } from './docs/portal-docs.ts';
import { writePageHtml } from './docs/page-html.ts';
import { docsSiteSchema, storedDocsPageSchema } from './docs/schema.ts';
import { catalogNodeSchema } from './catalog/graph.ts';
import { LayoutCache } from './graphs/layout-cache.ts';
import { buildPortalGraphs, type StoredDrawing } from './graphs/portal-graphs.ts';
import { storedDrawingSchema } from './graphs/subgraph.ts';
import { writeDigestFiles } from './digest-files.ts';
import { heldStoreSaves } from './held-store-saves.ts';
import { PluginCache } from './plugins/plugin-cache.ts';
import { githubGraphql, githubSourceSchema } from './sources/github.ts';
import { resolvePlugins } from './plugins/registry.ts';
import { runPlugins, storedCardSchema, type PluginResults, type StoredCard } from './plugins/run-plugins.ts';
import type { Logger } from './logger.ts';
import { buildPortalScorecards } from './scorecards/portal-scorecards.ts';
import { entityScoreSchema, type EntityScore } from './scorecards/schema.ts';
import { buildPortalTemplates, storedTemplateSchema, type StoredTemplate } from './templates/portal-templates.ts';
import { countProblems, problemId, problemSchema, sortProblems, type Problem } from './problems.ts';

/** What the `pluginCards` collection holds per entity: every plugin card it shows. */
export const entityCardsSchema = z.object({ entityRef: z.string(), cards: z.array(storedCardSchema) });

export { catalogNodeSchema, docsSiteSchema, entityScoreSchema, problemSchema, storedApiViewSchema, storedDocsPageSchema, storedDrawingSchema, storedTemplateSchema };

const optionsSchema = z.object({ loaded: z.object({ config: configSchema, file: z.string(), root: z.string() }) });

/** Everything one build derives from the sources. */
interface Portal {
  catalog: Catalog;
  docs: PortalDocs;
  apiViews: StoredApiView[];
  graphs: StoredDrawing[];
  cards: Map<string, StoredCard[]>;
  scores: EntityScore[];
  templates: StoredTemplate[];
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

/** The portal's collections, each filled from the one crawl. */
const COLLECTIONS = ['entities', 'problems', 'docsSites', 'docsPages', 'apiViews', 'graphs', 'scorecards', 'pluginCards', 'templates'] as const;
type CollectionName = (typeof COLLECTIONS)[number];

/**
 * One crawl per content sync, shared by every collection's loader: the first loader of a
 * sync starts it, the others await the same promise. A loader asking again means a new sync
 * (in dev, after a change), which crawls again instead of reusing a stale portal.
 */
function memoisedPortal(loaded: LoadedConfig): (name: CollectionName, context: LoaderContext) => Promise<Portal> {
  let portal: Promise<Portal> | undefined;
  const served = new Set<CollectionName>();
  return (name, context) => {
    if (served.has(name)) {
      portal = undefined;
      served.clear();
    }
    served.add(name);
    const current = (portal ??= buildPortal(loaded, fileURLToPath(context.config.cacheDir), context.logger));
    // Every collection has its share: let the crawl go, so the pages are rendered without the
    // whole portal (sources, docs HTML, drawings) still held in memory.
    if (served.size === COLLECTIONS.length) {
      portal = undefined;
      served.clear();
    }
    return current;
  };
}

/** Crawls every source and builds every docs site; each stage logs under its own label. */
async function buildPortal(loaded: LoadedConfig, cacheDir: string, logger: AstroIntegrationLogger): Promise<Portal> {
  const layout = cacheLayout(cacheDir);
  const catalog = await buildCatalog(sourcesOf(loaded, { cacheDir, logger: logger.fork('playbill:sources') }), {
    extraKinds: loaded.config.catalog.extraKinds,
    logger: logger.fork('playbill:sources'),
    removalGuard: { file: layout.sourceCounts, maxDrop: loaded.config.catalog.maxRemovedShare, allow: process.env['PLAYBILL_ALLOW_REMOVAL'] === '1' },
  });
  const templates = await buildPortalTemplates(catalog, { logger: logger.fork('playbill:templates') });
  // API definitions not viewed by an earlier build are viewed on the docs' worker threads.
  const views = await findApiViews(catalog.nodes, layout.apiViews);
  // Docs keep the cores busy while plugins mostly wait on the network: run them side by side.
  const [docs, plugins] = await Promise.all([
    buildPortalDocs(catalog, {
      base: loaded.config.site.base,
      cacheDir,
      logger: logger.fork('playbill:docs'),
      limits: loaded.config.limits,
      definitions: views.missing.map(({ type, definition, file }) => ({ type, definition, file })),
    }),
    runPluginStage(loaded, catalog, cacheDir, logger.fork('playbill:plugins')),
  ]);
  const apiViews = await listApiViews(views, docs.definitionsKept);
  const layouts = new LayoutCache();
  await layouts.load(layout.graphLayouts);
  const graphs = buildPortalGraphs(catalog.nodes, { base: loaded.config.site.base, cache: layouts, logger: logger.fork('playbill:graphs') });
  await layouts.save(layout.graphLayouts);
  const scores = await buildPortalScorecards(catalog, docs.pages, loaded.scorecards, {
    previousFile: layout.scorecardLevels,
    logger: logger.fork('playbill:scorecards'),
    pluginFacts: plugins.facts,
  });
  return {
    catalog,
    docs,
    apiViews,
    graphs,
    cards: plugins.cards,
    scores,
    templates: templates.templates,
    problems: sortProblems([...catalog.problems, ...docs.problems, ...plugins.problems, ...templates.problems]),
  };
}

/** Every plugin over the catalog, with what they fetched kept in the build cache. */
async function runPluginStage(loaded: LoadedConfig, catalog: Catalog, cacheDir: string, logger: Logger): Promise<PluginResults> {
  const file = cacheLayout(cacheDir).plugins;
  const cache = new PluginCache();
  await cache.load(file);
  const githubConfig = loaded.config.sources.flatMap((s) => ('github' in s ? [s.github] : []))[0] ?? githubSourceSchema.parse({ org: '-' });
  const results = await runPlugins(catalog.nodes, await resolvePlugins(loaded), {
    cache,
    logger,
    github: githubGraphql({ config: githubConfig, cacheDir }),
    commits: new Map(catalog.repositories.flatMap((r) => (r.commit ? [[r.name, r.commit]] : []))),
  });
  await cache.save(file);
  return results;
}

/** The Astro content loaders of the whole portal: catalog, problems and docs. */
export function portalLoaders(loaded: LoadedConfig): Record<CollectionName, Loader> {
  optionsSchema.parse({ loaded });
  const portalFor = memoisedPortal(loaded);
  const held = heldStoreSaves();
  const loaders = collectionLoaders(portalFor);
  for (const loader of Object.values(loaders)) {
    const load = loader.load;
    loader.load = (context) => held(context, () => load(context));
  }
  return loaders;
}

/** Each collection's loader, taking its share of the one portal. */
function collectionLoaders(portalFor: ReturnType<typeof memoisedPortal>): Record<CollectionName, Loader> {
  return {
    entities: {
      name: 'playbill:catalog',
      schema: catalogNodeSchema,
      async load(context) {
        const { catalog } = await portalFor('entities', context);
        await syncStore(context, catalog.nodes.map((node) => ({ id: node.ref, data: { ...node } })));
        context.logger.info(`${catalog.nodes.length} entities from ${catalog.repositories.length} repositories`);
      },
    },
    problems: {
      name: 'playbill:problems',
      schema: problemSchema,
      async load(context) {
        const { problems } = await portalFor('problems', context);
        await syncStore(context, problems.map((problem, i) => ({ id: problemId(i), data: { ...problem } })));
        const { errors, warnings } = countProblems(problems);
        context.logger.info(`${errors} errors, ${warnings} warnings (see /catalog/problems/)`);
      },
    },
    docsSites: {
      name: 'playbill:docs-sites',
      schema: docsSiteSchema,
      async load(context) {
        const { docs } = await portalFor('docsSites', context);
        await syncStore(context, docs.sites.map((site) => ({ id: site.entityRef, data: { ...site } })));
      },
    },
    apiViews: {
      name: 'playbill:api-views',
      schema: storedApiViewSchema,
      async load(context) {
        const { apiViews } = await portalFor('apiViews', context);
        await syncStore(context, apiViews.map((view) => ({ id: view.entityRef, data: { ...view } })));
      },
    },
    graphs: {
      name: 'playbill:graphs',
      schema: storedDrawingSchema,
      async load(context) {
        const { graphs } = await portalFor('graphs', context);
        const files = await writeDigestFiles(cacheLayout(fileURLToPath(context.config.cacheDir)).graphSvg, graphs.map((g) => g.drawing.svg), 'svg');
        await syncStore(context, graphs.map(({ id, drawing: { svg: _svg, ...drawing } }, i) => ({ id, data: { ...drawing, svgFile: files[i] ?? '' } })));
      },
    },
    scorecards: {
      name: 'playbill:scorecards',
      schema: entityScoreSchema,
      async load(context) {
        const { scores } = await portalFor('scorecards', context);
        await syncStore(context, scores.map((score) => ({ id: `${score.scorecard} ${score.entityRef}`, data: { ...score } })));
      },
    },
    pluginCards: {
      name: 'playbill:plugins',
      schema: entityCardsSchema,
      async load(context) {
        const { catalog, cards } = await portalFor('pluginCards', context);
        // One entry per entity, cards or none, so the collection exists whenever the catalog does.
        await syncStore(context, catalog.nodes.map(({ ref }) => ({ id: ref, data: { entityRef: ref, cards: cards.get(ref) ?? [] } })));
      },
    },
    templates: {
      name: 'playbill:templates',
      schema: storedTemplateSchema,
      async load(context) {
        const { templates } = await portalFor('templates', context);
        await syncStore(context, templates.map((template) => ({ id: template.entityRef, data: { ...template } })));
      },
    },
    docsPages: {
      name: 'playbill:docs-pages',
      schema: storedDocsPageSchema,
      async load(context) {
        const { docs } = await portalFor('docsPages', context);
        const stored = await writePageHtml(cacheLayout(fileURLToPath(context.config.cacheDir)).pageHtml, docs.pages);
        await syncStore(context, stored.map((page) => ({ id: `${page.entityRef}/${page.slug}`, data: { ...page } })));
      },
    },
  };
}
