import { z } from 'zod';
import type { CatalogNode } from '../catalog/graph.ts';
import type { Logger } from '../logger.ts';
import { makeProblem, type Problem } from '../problems.ts';
import { WaitBudgetError, type GithubGraphql } from '../sources/github.ts';
import { pluginCardSchema, type PlaybillPlugin, type PluginEntity, type RenderedCard } from './api.ts';
import { createHttpClient, HttpError } from './http.ts';
import type { PluginCache } from './plugin-cache.ts';

/** A plugin with its validated options. */
export interface ConfiguredPlugin {
  plugin: PlaybillPlugin<unknown, unknown>;
  options: unknown;
}

/** One card as the site stores it: which plugin, what it shows, as of when, and whether it is stale. */
export const storedCardSchema = z.object({
  plugin: z.string(),
  card: pluginCardSchema,
  /**
   * When its data was fetched; absent for cards built from the descriptor alone (a deep link
   * is as current as the page), so an unchanged page stays byte-identical between builds.
   */
  asOf: z.string().optional(),
  /** Set when this build could not fetch: why, shown on the card with the last good data. */
  stale: z.string().optional(),
  /** The plugin's tab for this entity, when it has one: its own page of cards. */
  tab: z.object({ title: z.string().min(1).max(60), cards: z.array(pluginCardSchema).max(20) }).optional(),
});
export type StoredCard = z.infer<typeof storedCardSchema>;

/** Options of {@link runPlugins}. */
export interface RunPluginsOptions {
  cache: PluginCache;
  /** Where secrets come from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  now?: Date;
  /** Most time the build waits on rate limits and retries, in ms. Default 60 s. */
  budgetMs?: number;
  /** Milliseconds a second of Retry-After stands for; tests shorten it. */
  unitMs?: number;
  /** Milliseconds before one request is given up. */
  timeoutMs?: number;
  /** GitHub for plugins that read it, when there are credentials. */
  github?: GithubGraphql | undefined;
  /** The commit each repository was read at, by repository name, when known. */
  commits?: ReadonlyMap<string, string>;
}

/** What the plugins stage yields. */
export interface PluginResults {
  cards: Map<string, StoredCard[]>;
  facts: Map<string, Record<string, unknown>>;
  problems: Problem[];
  requests: number;
}

/** A failure of the whole service (5xx, rate limit, spent wait budget, no answer), not of one entity. */
function serviceWide(error: unknown): boolean {
  if (error instanceof WaitBudgetError) return true;
  const status = z.object({ status: z.number() }).safeParse(error).data?.status;
  if (status !== undefined) return status >= 500 || status === 429;
  return error instanceof HttpError && /did not answer|could not be reached|rate limit/.test(error.message);
}

/** Loads entities one by one, after a batch failed, so that one bad entity costs only its own data. */
async function retryEach(
  entities: readonly PluginEntity[],
  load: NonNullable<PlaybillPlugin<unknown, unknown>['load']>,
  context: Parameters<NonNullable<PlaybillPlugin<unknown, unknown>['load']>>[1],
  accept: (entity: PluginEntity, value: unknown) => void,
  fail: (entity: PluginEntity, error: unknown) => void,
): Promise<void> {
  for (const entity of entities) {
    try {
      const one = await load([entity], context);
      if (one.has(entity.node.ref)) accept(entity, one.get(entity.node.ref));
    } catch (error) {
      fail(entity, error);
    }
  }
}

/** Whether a plugin applies to an entity: every key of `appliesTo` given must match. */
export function applies(plugin: PlaybillPlugin<unknown, unknown>, entity: PluginEntity): boolean {
  const { kinds, types, annotations } = plugin.appliesTo;
  const spec = entity.node.entity.spec ?? {};
  if (kinds && !kinds.some((k) => k.toLowerCase() === entity.node.entity.kind.toLowerCase())) return false;
  if (types && !types.includes(String(spec['type'] ?? ''))) return false;
  if (annotations && !annotations.some((a) => entity.annotations[a] !== undefined)) return false;
  return true;
}

/** Replaces every secret a plugin read with ***, so no message can carry one. */
function scrub(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.replaceAll(secret, '***');
  return out;
}

/**
 * Runs every plugin over the entities it applies to: reuses cached data that is fresh and
 * keyed the same, fetches the rest (a plugin that fails never fails the build: its problem
 * is reported and the card shows the last good data, if any), then builds each card and
 * each entity's facts.
 */
export async function runPlugins(nodes: readonly CatalogNode[], plugins: readonly ConfiguredPlugin[], options: RunPluginsOptions): Promise<PluginResults> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const env = options.env ?? process.env;
  const secrets = new Set<string>();
  const http = createHttpClient({
    etags: options.cache.etags,
    ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
    ...(options.unitMs !== undefined ? { unitMs: options.unitMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const results: PluginResults = { cards: new Map(), facts: new Map(), problems: [], requests: 0 };
  const entities: PluginEntity[] = nodes.map((node) => ({ node, annotations: node.entity.metadata.annotations ?? {}, commit: options.commits?.get(node.source.repository) }));

  for (const { plugin, options: pluginOptions } of plugins) {
    const mine = entities.filter((e) => applies(plugin, e));
    if (mine.length === 0) continue;
    const freshMs = (plugin.freshForSeconds ?? 3600) * 1000;
    const keyOf = (e: PluginEntity) => plugin.cacheKey?.(e, pluginOptions) ?? '';
    const data = new Map<string, { value: unknown; asOf: string; stale?: string }>();
    const toLoad: PluginEntity[] = [];
    for (const entity of mine) {
      const cached = options.cache.get(plugin.name, entity.node.ref);
      if (cached && cached.key === keyOf(entity) && now.getTime() - Date.parse(cached.fetchedAt) < freshMs) {
        data.set(entity.node.ref, { value: cached.data, asOf: cached.fetchedAt });
        options.cache.keep(plugin.name, entity.node.ref, cached);
        options.cache.refreshBy(Date.parse(cached.fetchedAt) + freshMs);
      } else if (plugin.load) toLoad.push(entity);
    }

    const context = {
      options: pluginOptions,
      http,
      github: options.github,
      secret: (name: string) => {
        const value = env[name];
        if (value) secrets.add(value);
        return value || undefined;
      },
      logger: options.logger ?? { info: () => {}, warn: () => {} },
    };
    const fail = (entity: PluginEntity, error: unknown) => {
      options.cache.refreshBy(now.getTime());
      const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
      const status = z.object({ status: z.number() }).safeParse(error).data?.status;
      const reason = scrub(status !== undefined && !message.includes(String(status)) ? `answered ${status}: ${message}` : message, secrets);
      const last = options.cache.get(plugin.name, entity.node.ref);
      if (last) {
        data.set(entity.node.ref, { value: last.data, asOf: last.fetchedAt, stale: reason });
        options.cache.keep(plugin.name, entity.node.ref, last);
      }
      const { repository, file, line } = entity.node.source;
      results.problems.push(
        makeProblem('warning', { repository, file, line }, `plugin ${plugin.name}: could not fetch at build time (${reason}); ${last ? `the card shows data as of ${last.fetchedAt.slice(0, 16).replace('T', ' ')} UTC` : 'the card shows no data'}`, { entityRef: entity.node.ref }),
      );
    };
    const accept = (entity: PluginEntity, value: unknown) => {
      const parsed = plugin.data ? plugin.data.safeParse(value) : { success: true as const, data: value };
      if (!parsed.success) return fail(entity, new Error(`its data did not match its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`));
      const entry = { key: keyOf(entity), fetchedAt: now.toISOString(), data: parsed.data };
      options.cache.keep(plugin.name, entity.node.ref, entry);
      options.cache.refreshBy(now.getTime() + freshMs);
      data.set(entity.node.ref, { value: parsed.data, asOf: entry.fetchedAt });
    };

    if (plugin.load && toLoad.length > 0) {
      const load = plugin.load;
      try {
        const loaded = await load(toLoad, context);
        for (const entity of toLoad) if (loaded.has(entity.node.ref)) accept(entity, loaded.get(entity.node.ref));
      } catch (error) {
        // One entity's failure must not cost the others their data: try each on its own,
        // unless the service as a whole is down or limiting us (asking again would not help).
        if (toLoad.length === 1 || serviceWide(error)) for (const entity of toLoad) fail(entity, error);
        else await retryEach(toLoad, load, context, accept, fail);
      }
    }

    for (const entity of mine) {
      const got = data.get(entity.node.ref);
      let card: RenderedCard | undefined;
      let tab: StoredCard['tab'];
      try {
        const raw = plugin.card(entity, got?.value, pluginOptions);
        if (raw !== undefined) {
          const parsed = pluginCardSchema.safeParse(raw);
          if (parsed.success) card = parsed.data;
          else results.problems.push(makeProblem('warning', entity.node.source, `plugin ${plugin.name}: its card was not valid (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); left out`, { entityRef: entity.node.ref }));
        }
        const rawTab = plugin.tab?.(entity, got?.value, pluginOptions);
        const parsedTab = rawTab === undefined ? undefined : storedCardSchema.shape.tab.safeParse(rawTab);
        if (parsedTab?.success) tab = parsedTab.data;
        else if (parsedTab) results.problems.push(makeProblem('warning', entity.node.source, `plugin ${plugin.name}: its tab was not valid; left out`, { entityRef: entity.node.ref }));
        const facts = plugin.facts?.(entity, got?.value, pluginOptions) ?? {};
        if (Object.keys(facts).length > 0) results.facts.set(entity.node.ref, { ...results.facts.get(entity.node.ref), ...facts });
      } catch (error) {
        results.problems.push(makeProblem('warning', entity.node.source, `plugin ${plugin.name}: failed to draw its card (${scrub(error instanceof Error ? error.message : String(error), secrets)})`, { entityRef: entity.node.ref }));
      }
      if (!card) continue;
      const stored: StoredCard = { plugin: plugin.name, card, ...(got ? { asOf: got.asOf } : {}), ...(got?.stale ? { stale: got.stale } : {}), ...(tab ? { tab } : {}) };
      results.cards.set(entity.node.ref, [...(results.cards.get(entity.node.ref) ?? []), stored]);
    }
  }
  results.requests = http.stats.requests + (options.github?.requests() ?? 0);
  options.logger?.info(`${plugins.length} plugins: ${[...results.cards.values()].reduce((n, c) => n + c.length, 0)} cards on ${results.cards.size} entities, ${http.stats.requests + (options.github?.requests() ?? 0)} requests (${http.stats.notModified} not modified) in ${Date.now() - started} ms`);
  return results;
}
