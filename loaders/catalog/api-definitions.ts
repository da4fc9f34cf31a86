import { createShikiHighlighter } from '@astrojs/internal-helpers/shiki';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanguageRegistration } from 'shiki';
import { bundledLanguages } from 'shiki/langs';
import { z } from 'zod';
import { writeAtomic } from '../cache-files.ts';
import type { CatalogNode } from './graph.ts';
import { summariseOpenApi, type OpenApiSummary } from './openapi.ts';

/**
 * An API's definition as its page shows it, prepared during the content sync rather than
 * while the page is generated: page generation runs on one thread, and there a real
 * definition (the shared corpus's run from 48 to 1,180 lines) took 20–50 ms to highlight and
 * summarise. Here the work overlaps the docs render threads, and each view is kept in the
 * build cache under a digest of its input, so a rebuild prepares only what changed.
 */
export const definitionViewSchema = z.object({
  /** The language the raw definition is shown in. */
  lang: z.string(),
  /** The raw definition, highlighted exactly as Astro's `<Code>` component does it. */
  html: z.string(),
  /** The operations of an OpenAPI or Swagger document. */
  openapi: z.custom<OpenApiSummary>((value) => typeof value === 'object' && value !== null).optional(),
});
export type DefinitionView = z.infer<typeof definitionViewSchema>;

const THEMES = { light: 'github-light', dark: 'github-dark' } as const;

/** True when the definition is only a link to where it lives (the page links it, nothing to prepare). */
export function isDefinitionUrl(definition: string): boolean {
  return /^https?:\/\/\S+$/.test(definition.trim());
}

/** The language a definition is shown in, from the API's type and, for JSON, its first character. */
export function definitionLang(type: string, definition: string): string {
  const trimmed = definition.trimStart();
  if (type === 'graphql') return 'graphql';
  if (type === 'grpc') return 'proto';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  return type === 'openapi' || type === 'asyncapi' ? 'yaml' : 'txt';
}

/** Highlights and summarises one definition, with the same highlighter and options `<Code>` uses. */
export async function prepareDefinition(type: string, definition: string): Promise<DefinitionView> {
  const lang = definitionLang(type, definition);
  // As `<Code>` asks for it: a language name where the type wants a grammar (Shiki loads the
  // bundled grammar by name, and treats plain text as no grammar at all).
  const langs = [(Object.hasOwn(bundledLanguages, lang) ? lang : 'plaintext') as unknown as LanguageRegistration];
  const highlighter = await createShikiHighlighter({ langs, theme: 'github-dark', themes: THEMES });
  const html = await highlighter.codeToHtml(definition, lang, { defaultColor: 'light', wrap: false, inline: false, transformers: [], attributes: {} });
  const openapi = type === 'openapi' ? summariseOpenApi(definition) : undefined;
  return { lang, html, ...(openapi ? { openapi } : {}) };
}

/** The versions of what writes a view: a new highlighter or theme means new views. */
let versions: Promise<string> | undefined;
function highlighterVersions(): Promise<string> {
  versions ??= (async () => {
    const require = createRequire(import.meta.url);
    const shiki = z.object({ version: z.string() }).parse(require('shiki/package.json')).version;
    const helpersFile = join(dirname(dirname(fileURLToPath(import.meta.resolve('@astrojs/internal-helpers/shiki')))), 'package.json');
    const helpers = await readFile(helpersFile, 'utf8').then((text) => z.object({ version: z.string() }).parse(JSON.parse(text)).version, () => 'unknown');
    return `${shiki} ${helpers}`;
  })();
  return versions;
}

/** Lets queued I/O and worker messages through between two definitions. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Prepares the view of every API entity whose definition is inline text, writing each to a
 * file in `dir` named after the digest of its input (type, definition, highlighter versions).
 * A file already there is reused; files no entity uses any more are deleted. Returns each
 * entity's file by ref, and how many views were prepared anew.
 */
export async function prepareDefinitions(nodes: readonly CatalogNode[], dir: string): Promise<{ files: Map<string, string>; prepared: number }> {
  await mkdir(dir, { recursive: true });
  const existing = new Set(await readdir(dir));
  const version = await highlighterVersions();
  const files = new Map<string, string>();
  const used = new Set<string>();
  let prepared = 0;
  for (const node of nodes) {
    if (node.entity.kind !== 'API') continue;
    const spec = node.entity.spec ?? {};
    const definition = spec['definition'];
    if (typeof definition !== 'string' || isDefinitionUrl(definition)) continue;
    const type = typeof spec['type'] === 'string' ? spec['type'] : '';
    const name = `${createHash('sha256').update(JSON.stringify([version, type, definition])).digest('hex')}.json`;
    if (!existing.has(name) && !used.has(name)) {
      await writeAtomic(join(dir, name), JSON.stringify(await prepareDefinition(type, definition)));
      prepared++;
      // Each definition holds the thread for up to tens of milliseconds: the docs render
      // threads, waiting for their next site from this one, must not wait behind many.
      await breathe();
    }
    used.add(name);
    files.set(node.ref, join(dir, name));
  }
  for (const name of existing) if (!used.has(name)) await rm(join(dir, name), { force: true });
  return { files, prepared };
}

/** Reads a prepared view; undefined when the file is gone or not a view (the page then prepares it itself). */
export async function readDefinitionView(file: string): Promise<DefinitionView | undefined> {
  try {
    const parsed = definitionViewSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
