import { cacheLayout } from './cache-layout.ts';
import { fileURLToPath } from 'node:url';
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
import { describeCollection, describeStore, writeStoreEntries, type CollectionRecord, type StoreEntry } from './store-entries.ts';
import { heldStoreSaves } from './held-store-saves.ts';
import { PluginCache } from './plugins/plugin-cache.ts';
import { githubGraphql, githubSourceSchema } from './sources/github.ts';
import { resolvePlugins } from './plugins/registry.ts';
import { runPlugins, storedCardSchema, type PluginResults, type StoredCard } from './plugins/run-plugins.ts';
import type { ForkingLogger, Logger } from './logger.ts';
import { buildPortalScorecards } from './scorecards/portal-scorecards.ts';
import { entityScoreSchema, type EntityScore } from './scorecards/schema.ts';
import { buildPortalTemplates, storedTemplateSchema, type StoredTemplate } from './templates/portal-templates.ts';
import { countProblems, problemId, problemSchema, sortProblems, type Problem } from './problems.ts';

/** What the `pluginCards` collection holds per entity: every plugin card it shows. */
export const entityCardsSchema = z.object({ entityRef: z.string(), cards: z.array(storedCardSchema) });

export { catalogNodeSchema, docsSiteSchema, entityScoreSchema, problemSchema, storedApiViewSchema, storedDocsPageSchema, storedDrawingSchema, storedTemplateSchema };

const optionsSchema = z.object({ loaded: z.object({ config: configSchema, file: z.string(), root: z.string() }) });

/** Everything one build derives from the sources. */
export interface Portal {
  catalog: Catalog;
  docs: PortalDocs;
  apiViews: StoredApiView[];
  /**
   * The relation graphs, drawn when first asked for: they follow from the entities alone (and
   * the site's base), so a docs-only rebuild that finds the entities unchanged never draws them.
   */
  graphs: () => Promise<StoredDrawing[]>;
  cards: Map<string, StoredCard[]>;
  scores: EntityScore[];
  templates: StoredTemplate[];
  problems: Problem[];
}

/** Stores entries whose data changed, skips the rest, deletes what was not seen this run. */
async function syncStore(context: LoaderContext, entries: readonly StoreEntry[], json: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  for (const [i, { id, data }] of entries.entries()) {
    seen.add(id);
    const digest = context.generateDigest(json[i] ?? '');
    if (context.store.get(id)?.digest === digest) continue;
    context.store.set({ id, data: await context.parseData({ id, data }), digest });
  }
  for (const id of context.store.keys()) if (!seen.has(id)) context.store.delete(id);
}

/** The portal's collections, each filled from the one crawl. */
export const COLLECTIONS = ['entities', 'problems', 'docsSites', 'docsPages', 'apiViews', 'graphs', 'scorecards', 'pluginCards', 'templates'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

/**
 * One crawl per content sync, shared by every collection's loader: the first loader of a
 * sync starts it, the others await the same promise. A loader asking again means a new sync
 * (in dev, after a change), which crawls again instead of reusing a stale portal.
 */
function memoisedPortal(loaded: LoadedConfig, built?: Portal): (name: CollectionName, context: LoaderContext) => Promise<Portal> {
  let portal: Promise<Portal> | undefined = built ? Promise.resolve(built) : undefined;
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
export async function buildPortal(loaded: LoadedConfig, cacheDir: string, logger: ForkingLogger): Promise<Portal> {
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
  let drawn: Promise<StoredDrawing[]> | undefined;
  const graphs = () =>
    (drawn ??= (async () => {
      const layouts = new LayoutCache();
      await layouts.load(layout.graphLayouts);
      const drawings = buildPortalGraphs(catalog.nodes, { base: loaded.config.site.base, cache: layouts, logger: logger.fork('playbill:graphs') });
      await layouts.save(layout.graphLayouts);
      return drawings;
    })());
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

/**
 * The Astro content loaders of the whole portal: catalog, problems and docs. `built` is the
 * portal when it was built before Astro's build began (src/integrations/quick-rebuild.ts):
 * the first sync stores it instead of building it again.
 */
export function portalLoaders(loaded: LoadedConfig, built?: Portal): Record<CollectionName, Loader> {
  optionsSchema.parse({ loaded });
  const portalFor = memoisedPortal(loaded, built);
  const held = heldStoreSaves();
  const loaders = collectionLoaders(portalFor);
  for (const loader of Object.values(loaders)) {
    const load = loader.load;
    loader.load = (context) => held(context, () => load(context));
  }
  return loaders;
}

/**
 * What each collection stores from the portal, exactly: the loaders below store it, and a
 * docs-only rebuild (loaders/quick-rebuild.ts) compares it with the last build's. Drawings'
 * SVGs and docs pages' HTML are written to digest-named files in the cache on the way.
 */
export const collectionEntries: Record<CollectionName, (portal: Portal, cacheDir: string) => Promise<StoreEntry[]>> = {
  entities: async ({ catalog }) => catalog.nodes.map((node) => ({ id: node.ref, data: { ...node } })),
  problems: async ({ problems }) => problems.map((problem, i) => ({ id: problemId(i), data: { ...problem } })),
  docsSites: async ({ docs }) => docs.sites.map((site) => ({ id: site.entityRef, data: { ...site } })),
  apiViews: async ({ apiViews }) => apiViews.map((view) => ({ id: view.entityRef, data: { ...view } })),
  graphs: async (portal, cacheDir) => {
    const graphs = await portal.graphs();
    const files = await writeDigestFiles(cacheLayout(cacheDir).graphSvg, graphs.map((g) => g.drawing.svg), 'svg');
    return graphs.map(({ id, drawing: { svg: _svg, ...drawing } }, i) => ({ id, data: { ...drawing, svgFile: files[i] ?? '' } }));
  },
  scorecards: async ({ scores }) => scores.map((score) => ({ id: `${score.scorecard} ${score.entityRef}`, data: { ...score } })),
  // One entry per entity, cards or none, so the collection exists whenever the catalog does.
  pluginCards: async ({ catalog, cards }) => catalog.nodes.map(({ ref }) => ({ id: ref, data: { entityRef: ref, cards: cards.get(ref) ?? [] } })),
  templates: async ({ templates }) => templates.map((template) => ({ id: template.entityRef, data: { ...template } })),
  docsPages: async ({ docs }, cacheDir) => {
    const stored = await writePageHtml(cacheLayout(cacheDir).pageHtml, docs.pages);
    return stored.map((page) => ({ id: `${page.entityRef}/${page.slug}`, data: { ...page } }));
  },
};

/** Each collection's loader, taking its share of the one portal. */
function collectionLoaders(portalFor: ReturnType<typeof memoisedPortal>): Record<CollectionName, Loader> {
  const record = storeRecorder();
  const loader = (name: CollectionName, schema: z.ZodType, report?: (portal: Portal, context: LoaderContext) => void): Loader => ({
    name: LOADER_NAMES[name],
    schema,
    async load(context) {
      const portal = await portalFor(name, context);
      const cacheDir = fileURLToPath(context.config.cacheDir);
      const entries = await collectionEntries[name](portal, cacheDir);
      const json = entries.map((entry) => JSON.stringify(entry.data));
      await syncStore(context, entries, json);
      await record(portal, name, entries, json, cacheDir);
      report?.(portal, context);
    },
  });
  return {
    entities: loader('entities', catalogNodeSchema, (portal, context) => context.logger.info(portalSummary.entities(portal))),
    problems: loader('problems', problemSchema, (portal, context) => context.logger.info(portalSummary.problems(portal))),
    docsSites: loader('docsSites', docsSiteSchema),
    apiViews: loader('apiViews', storedApiViewSchema),
    graphs: loader('graphs', storedDrawingSchema),
    scorecards: loader('scorecards', entityScoreSchema),
    pluginCards: loader('pluginCards', entityCardsSchema),
    templates: loader('templates', storedTemplateSchema),
    docsPages: loader('docsPages', storedDocsPageSchema),
  };
}

/** What the build log says of a portal once stored, under each collection's label. */
export const portalSummary = {
  entities: ({ catalog }: Portal) => `${catalog.nodes.length} entities from ${catalog.repositories.length} repositories`,
  problems: ({ problems }: Portal) => {
    const { errors, warnings } = countProblems(problems);
    return `${errors} errors, ${warnings} warnings (see /catalog/problems/)`;
  },
};

/** The label each collection's loader logs under (the stage's, where one logs). */
const LOADER_NAMES: Record<CollectionName, string> = {
  entities: 'playbill:catalog',
  problems: 'playbill:problems',
  docsSites: 'playbill:docs-sites',
  apiViews: 'playbill:api-views',
  graphs: 'playbill:graphs',
  scorecards: 'playbill:scorecards',
  pluginCards: 'playbill:plugins',
  templates: 'playbill:templates',
  docsPages: 'playbill:docs-pages',
};

/**
 * Writes what the store holds after a sync (loaders/store-entries.ts) to the build cache once
 * every collection of one portal has stored its share: the last full build's, for the next
 * build to compare with.
 */
function storeRecorder() {
  const described = new WeakMap<Portal, Map<CollectionName, CollectionRecord>>();
  return async (portal: Portal, name: CollectionName, entries: readonly StoreEntry[], json: readonly string[], cacheDir: string) => {
    // Each collection's digests as it is stored, not its entries until the last one is.
    const records = described.get(portal) ?? new Map<CollectionName, CollectionRecord>();
    described.set(portal, records.set(name, describeCollection(name, { entries, json })));
    if (records.size < COLLECTIONS.length) return;
    described.delete(portal);
    await writeStoreEntries(cacheLayout(cacheDir).storeEntries, await describeStore(records, cacheDir));
  };
}
