import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseYamlDocuments } from './catalog/parse.ts';
import { githubSourceSchema } from './sources/github.ts';

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
  catalog: z
    .strictObject({
      /** Kinds accepted beyond Backstage's built-ins; rendered with a generic page. */
      extraKinds: z.array(z.string().regex(/^[a-zA-Z][a-z0-9A-Z]*$/)).default([]),
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
}

/**
 * Reads `playbill.config.yaml` (or `PLAYBILL_CONFIG`), validates it, and throws a ConfigError
 * listing every problem with its line.
 */
export function loadConfig(file = process.env.PLAYBILL_CONFIG ?? 'playbill.config.yaml', cwd = process.cwd()): LoadedConfig {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Config file ${file} not found; create it or set PLAYBILL_CONFIG to its path`);
  }
  const parsed = parseYamlDocuments(text);
  const first = parsed.errors[0];
  if (first) throw new ConfigError(`${file}:${first.line}:${first.column}: ${first.message}`);
  const doc = parsed.documents[0];
  const result = configSchema.safeParse(withEnvironment(doc?.value ?? {}));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const base = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const path = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...base, issue.keys[0]] : base;
      const at = doc ? doc.locate(path) : { line: 1, column: 1 };
      return `  ${file}:${at.line}:${at.column} ${path.join('.') || '(root)'}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid config ${file}:\n${lines.join('\n')}`);
  }
  return { config: result.data, file: path, root: dirname(path) };
}
