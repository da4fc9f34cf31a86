import { z } from 'zod';
import type { CatalogNode } from '../catalog/graph.ts';
import type { Logger } from '../logger.ts';
import type { GithubGraphql } from '../sources/github.ts';
import type { HttpClient } from './http.ts';

/**
 * The plugin API: what a plugin module exports (`definePlugin({...})`) and what Playbill
 * hands it at build time. Plugins fetch what they need while the site is built; Playbill
 * caches it, stamps it "as of" the build, and renders only what a card names: never a raw
 * API payload, never a secret.
 */

/** One line of a card: a label and a value, optionally linking somewhere. */
export const cardFieldSchema = z.object({
  label: z.string().max(80),
  value: z.string().max(400),
  href: z.url({ protocol: /^https?$/ }).optional(),
});

/** What a plugin shows on an entity page. Only these fields are rendered. */
export const pluginCardSchema = z.object({
  /** Heading of the card, e.g. "PagerDuty". */
  title: z.string().min(1).max(80),
  /** Deep link to the live tool. */
  href: z.url({ protocol: /^https?$/ }).optional(),
  /** A one-word state shown as a badge: ok, warning, error or info. */
  status: z.enum(['ok', 'warning', 'error', 'info']).optional(),
  /** One sentence under the title. */
  summary: z.string().max(400).optional(),
  fields: z.array(cardFieldSchema).max(40).default([]),
  /** A small table, e.g. the last workflow runs. */
  table: z.object({ columns: z.array(z.string().max(40)).max(8), rows: z.array(z.array(cardFieldSchema.omit({ label: true }))).max(20) }).optional(),
  /** Why the card has no live data (no credentials configured, say), shown as a note. */
  note: z.string().max(400).optional(),
});
export type PluginCard = z.input<typeof pluginCardSchema>;
export type RenderedCard = z.output<typeof pluginCardSchema>;

/** Which entities a plugin applies to: every key given must match (like Backstage's `isXAvailable`). */
export const appliesToSchema = z.object({
  kinds: z.array(z.string()).optional(),
  types: z.array(z.string()).optional(),
  /** At least one of these annotations is present (`has:annotation:` in Backstage). */
  annotations: z.array(z.string()).optional(),
});
export type AppliesTo = z.infer<typeof appliesToSchema>;

/** An entity as a plugin sees it: the catalog node and its repository's commit, when known. */
export interface PluginEntity {
  node: CatalogNode;
  /** Annotations, for convenience. */
  annotations: Readonly<Record<string, string>>;
  /** The commit the entity's repository was read at, when the source knows it (GitHub). */
  commit?: string | undefined;
}

/** What Playbill hands a plugin's `load`. */
export interface PluginContext<Options> {
  /** The plugin's options, validated with its schema. */
  options: Options;
  /** HTTP with conditional requests, retries with backoff, rate limits, a concurrency limit and a time budget. */
  http: HttpClient;
  /** GitHub's GraphQL API through the client the crawl uses; undefined without GitHub credentials. */
  github?: GithubGraphql | undefined;
  /** A secret from the environment; never logged, never rendered. Undefined when unset. */
  secret(name: string): string | undefined;
  logger: Logger;
}

/** A plugin: declare it with {@link definePlugin} and export it as the module's default. */
export interface PlaybillPlugin<Options = unknown, Data = unknown> {
  /** Unique id, e.g. `pagerduty`; the config names it under `plugins:`. */
  name: string;
  /** Validates the plugin's options from the config; an invalid option stops the build. */
  options: z.ZodType<Options>;
  /** Which entities it is for. */
  appliesTo: AppliesTo;
  /** What `load` returns per entity; validated, and the only data kept and cached. */
  data?: z.ZodType<Data>;
  /** How long fetched data stays fresh, in seconds; until then a cached result with the same key is reused. Default 3,600. */
  freshForSeconds?: number;
  /** What the data depends on besides time (an annotation, the repository's commit…): a change refetches at once. */
  cacheKey?(entity: PluginEntity, options: Options): string;
  /** Fetches data for the entities it applies to, all at once so it can batch; returns data by entity ref. */
  load?(entities: readonly PluginEntity[], context: PluginContext<Options>): Promise<ReadonlyMap<string, Data>>;
  /** The card for an entity, from its data (undefined when there is none, or none was needed). */
  card(entity: PluginEntity, data: Data | undefined, options: Options): PluginCard | undefined;
  /** Facts for scorecards (`ciStatus`, `onCall`, `qualityGate`, …) from the data. */
  facts?(entity: PluginEntity, data: Data | undefined, options: Options): Record<string, unknown>;
  /** A tab: its own page under the entity's URL (`…/{name}/{plugin}/`), a title and cards. */
  tab?(entity: PluginEntity, data: Data | undefined, options: Options): { title: string; cards: PluginCard[] } | undefined;
}

/** Declares a plugin with its types checked; what a plugin module exports as default. */
export function definePlugin<Options, Data = never>(plugin: PlaybillPlugin<Options, Data>): PlaybillPlugin<Options, Data> {
  return plugin;
}

/**
 * A plugin as the registry holds it, whatever its option and data types: every call parses
 * its options and data with the plugin's own schemas, so nothing is cast on the way.
 */
export function erasePlugin<Options, Data>(plugin: PlaybillPlugin<Options, Data>): PlaybillPlugin<unknown, unknown> {
  const options = (value: unknown) => plugin.options.parse(value);
  const data = (value: unknown) => (value === undefined || !plugin.data ? undefined : plugin.data.parse(value));
  const { load, cacheKey, facts, tab } = plugin;
  return {
    name: plugin.name,
    options: plugin.options,
    appliesTo: plugin.appliesTo,
    ...(plugin.data ? { data: plugin.data } : {}),
    ...(plugin.freshForSeconds !== undefined ? { freshForSeconds: plugin.freshForSeconds } : {}),
    ...(cacheKey ? { cacheKey: (entity: PluginEntity, o: unknown) => cacheKey(entity, options(o)) } : {}),
    ...(load ? { load: (entities: readonly PluginEntity[], context: PluginContext<unknown>) => load(entities, { ...context, options: options(context.options) }) } : {}),
    card: (entity, value, o) => plugin.card(entity, data(value), options(o)),
    ...(facts ? { facts: (entity: PluginEntity, value: unknown, o: unknown) => facts(entity, data(value), options(o)) } : {}),
    ...(tab ? { tab: (entity: PluginEntity, value: unknown, o: unknown) => tab(entity, data(value), options(o)) } : {}),
  };
}
