import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseYamlDocuments } from './catalog/parse.ts';
import { githubSourceSchema } from './sources/github.ts';
import { DEFAULT_SCORECARD } from './scorecards/default-scorecard.ts';
import { resolveScorecard, scorecardSchema, type Scorecard, type ScorecardInput } from './scorecards/schema.ts';

/** A folder of repositories on disk. */
const localSourceSchema = z.strictObject({
  /** Folder with one sub-folder per repository, relative to the config file. */
  path: z.string().min(1),
  /** Descriptor file(s) in each repository. Default `catalog-info.yaml`. */
  catalogPath: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Link to a file on its host: `{repo}` and `{path}` are filled in. */
  urlTemplate: z.string().optional(),
  /** Link to edit a file on its host: `{repo}` and `{path}` are filled in. */
  editUrlTemplate: z.string().optional(),
});

/** `playbill.config.yaml`. Every field has a sensible default except the sources. */
export const configSchema = z.strictObject({
  site: z
    .strictObject({
      /** Shown in the header and the page titles. */
      title: z.string().min(1).default('Developer portal'),
      /** Absolute origin the site is served from (sitemap, canonical links). */
      url: z.url({ protocol: /^https?$/ }).optional(),
      /** Path prefix when hosted under a subpath, e.g. `/portal/`. */
      base: z
        .string()
        .regex(/^\/([A-Za-z0-9._~-]+\/)*$/, 'must start and end with "/", e.g. "/" or "/portal/"')
        .default('/'),
    })
    .prefault({}),
  /** Where repositories come from. */
  sources: z
    .array(z.union([z.strictObject({ local: localSourceSchema }), z.strictObject({ github: githubSourceSchema })]))
    .min(1, 'list at least one source'),
  /**
   * Plugins: the built-ins are on by default; an entry sets a built-in's options (or turns it
   * off with `enabled: false`), or adds your own with `module:` (a path relative to this file,
   * or an npm package). Each plugin validates its own options.
   */
  plugins: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        module: z.string().min(1).optional(),
        enabled: z.boolean().default(true),
        options: z.unknown().optional(),
      }),
    )
    .default([]),
  /** Bounds on what one repository may hand the build; past them the rest is reported and skipped. */
  limits: z
    .strictObject({
      /** Largest file read (descriptors, Markdown, images), in bytes. */
      maxFileBytes: z.number().int().positive().default(2 * 1024 * 1024),
      /** Most files read from one entity's docs folder. */
      maxDocsFiles: z.number().int().positive().default(5000),
      /** Deepest nav nesting kept; deeper sections are cut. */
      maxNavDepth: z.number().int().positive().default(10),
    })
    .prefault({}),
  /**
   * Scorecards: a list, or the path of a YAML file holding one (relative to this file).
   * Without it the default scorecard applies (see the README).
   */
  // A list is validated on its own below, so that each problem names its scorecard and check
  // (inside a union, Zod would only say "invalid input").
  scorecards: z.union([z.string().min(1), z.array(z.unknown()).min(1)]).optional(),
  catalog: z
    .strictObject({
      /** Kinds accepted beyond Backstage's built-ins; rendered with a generic page. */
      extraKinds: z.array(z.string().regex(/^[a-zA-Z][a-z0-9A-Z]*$/)).default([]),
      /**
       * Largest share of a source's entities that may disappear in one build (0 to 1). Past
       * it the build stops, so a lost token or an uninstalled GitHub App never publishes a
       * half-empty portal; `PLAYBILL_ALLOW_REMOVAL=1` lets one deliberate removal through.
       */
      maxRemovedShare: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
});
export type PlaybillConfig = z.infer<typeof configSchema>;

const overridable = z.looseObject({ site: z.looseObject({}).optional() });

/**
 * `PLAYBILL_SITE_URL` and `PLAYBILL_SITE_BASE` override `site.url` and `site.base`, so a
 * deploy workflow can pass what its host reports (GitHub Pages' base path, say).
 */
function withEnvironment(value: unknown): unknown {
  const parsed = overridable.safeParse(value);
  if (!parsed.success) return value;
  const url = process.env.PLAYBILL_SITE_URL;
  const base = process.env.PLAYBILL_SITE_BASE;
  if (!url && !base) return value;
  const normalisedBase = base ? `/${base.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/') : undefined;
  return { ...parsed.data, site: { ...parsed.data.site, ...(url ? { url } : {}), ...(normalisedBase ? { base: normalisedBase } : {}) } };
}

/** Thrown when the config is invalid; the message lists every problem. */
export class ConfigError extends Error {}

/** A loaded config with its file, so relative paths resolve against the file's folder. */
export interface LoadedConfig {
  config: PlaybillConfig;
  file: string;
  root: string;
  /** The scorecards in force: the config's (inline or from its file), else the default one. */
  scorecards: Scorecard[];
}

/**
 * Parses YAML text and validates it with a schema. Returns the data, or one line per problem:
 * every YAML error, every schema issue (one per unknown key), each with file, line and column.
 */
function parseYamlWith<T extends z.ZodType>(text: string, file: string, schema: T, prepare: (value: unknown) => unknown = (v) => v): { data: z.infer<T> } | { problems: string[] } {
  const parsed = parseYamlDocuments(text);
  if (parsed.errors.length > 0) return { problems: parsed.errors.map((e) => `  ${file}:${e.line}:${e.column}: ${e.message}`) };
  const doc = parsed.documents[0];
  const result = schema.safeParse(prepare(doc?.value ?? {}));
  if (result.success) return { data: result.data };
  return {
    problems: result.error.issues.flatMap((issue) => {
      const base = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...base, key]) : [base];
      return paths.map((path) => {
        const at = doc ? doc.locate(path) : { line: 1, column: 1 };
        const message = issue.code === 'unrecognized_keys' ? `Unrecognized key: "${String(path.at(-1))}"` : issue.message;
        return `  ${file}:${at.line}:${at.column} ${path.join('.') || '(root)'}: ${message}`;
      });
    }),
  };
}

function readText(path: string, shown: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`${what} ${shown} not found; ${what === 'Config file' ? 'create it or set PLAYBILL_CONFIG to its path' : 'fix the path in scorecards:'}`);
  }
}

/**
 * Reads `playbill.config.yaml` (or `PLAYBILL_CONFIG`) and the scorecards file it may name,
 * validates them, and throws a ConfigError listing every problem with its line.
 */
export function loadConfig(file = process.env.PLAYBILL_CONFIG ?? 'playbill.config.yaml', cwd = process.cwd()): LoadedConfig {
  const path = resolve(cwd, file);
  const result = parseYamlWith(readText(path, file, 'Config file'), file, configSchema, withEnvironment);
  if ('problems' in result) throw new ConfigError(`Invalid config ${file}:\n${result.problems.join('\n')}`);
  const config = result.data;
  let scorecards: ScorecardInput[] | undefined;
  if (Array.isArray(config.scorecards)) {
    const cards = parseYamlWith(readText(path, file, 'Config file'), file, z.looseObject({ scorecards: z.array(scorecardSchema) }));
    if ('problems' in cards) throw new ConfigError(`Invalid config ${file}:\n${cards.problems.join('\n')}`);
    scorecards = cards.data.scorecards;
  } else if (typeof config.scorecards === 'string') {
    const cardsFile = resolve(dirname(path), config.scorecards);
    const cards = parseYamlWith(readText(cardsFile, config.scorecards, 'Scorecards file'), config.scorecards, z.array(scorecardSchema));
    if ('problems' in cards) throw new ConfigError(`Invalid scorecards ${config.scorecards}:\n${cards.problems.join('\n')}`);
    scorecards = cards.data;
  }
  return { config, file: path, root: dirname(path), scorecards: (scorecards ?? [DEFAULT_SCORECARD]).map(resolveScorecard) };
}
