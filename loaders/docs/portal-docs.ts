import { mapInBatches, SOURCES_AT_A_TIME } from '../batches.ts';
import { cacheLayout } from '../cache-layout.ts';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Catalog } from '../catalog/build-catalog.ts';
import { progress, type Logger } from '../logger.ts';
import { annotationOf, type CatalogNode } from '../catalog/graph.ts';
import { makeProblem, type Problem } from '../problems.ts';
import { locateDocs, prepareEntityDocs, type DocsLocation, type DocsPage, type DocsSite } from './entity-docs.ts';
import { renderInPool } from './render-pool.ts';
import type { ViewTask } from '../apis/definition-view.ts';
import { CodeHighlighter } from './highlight.ts';
import { DocsCache } from './site-cache.ts';

/** Every entity's docs, plus what the build must copy. */
export interface PortalDocs {
  sites: DocsSite[];
  pages: DocsPage[];
  problems: Problem[];
  /** Assets copied, by path under the site root. */
  assetCount: number;
  /** Per definition asked for (`definitions`), whether its view was kept. */
  definitionsKept: boolean[];
}

export interface PortalDocsOptions {
  base: string;
  /** Folder for the highlight cache and the copied assets (kept between builds by CI); without it nothing is written (lint). */
  cacheDir?: string;
  logger?: Logger;
  /** Most files read from one docs folder, and the deepest nav kept (the config's `limits`). */
  limits?: { maxDocsFiles: number; maxNavDepth: number };
  /** API definitions to view and keep on the same threads (`apis/portal-apis.ts`). */
  definitions?: readonly ViewTask[];
}

/** Where build-time assets wait to be copied into the output, and the manifest listing them. */
export function assetPaths(cacheDir: string): { dir: string; manifest: string } {
  const layout = cacheLayout(cacheDir);
  return { dir: layout.assets, manifest: layout.assetsManifest };
}

/**
 * Builds the docs of every entity that has `backstage.io/techdocs-ref`, copies their assets
 * into the cache folder, and lists every broken link or missing folder as a problem.
 */
export async function buildPortalDocs(catalog: Catalog, options: PortalDocsOptions): Promise<PortalDocs> {
  const highlighter = new CodeHighlighter();
  const cacheFile = options.cacheDir ? cacheLayout(options.cacheDir).highlight : undefined;
  if (cacheFile) await highlighter.load(cacheFile);
  const byName = new Map(catalog.repositories.map((r) => [r.name, r]));
  const paths = options.cacheDir ? assetPaths(options.cacheDir) : undefined;
  const cache = options.cacheDir ? new DocsCache(cacheLayout(options.cacheDir).docsSites) : undefined;
  if (paths) await rm(paths.dir, { recursive: true, force: true });

  const sites: DocsSite[] = [];
  const pages: DocsPage[] = [];
  const problems: Problem[] = [];
  const copied: string[] = [];
  const started = Date.now();
  const documented = catalog.nodes.filter((n) => annotationOf(n.entity, 'backstage.io/techdocs-ref') !== undefined);
  // Read every site first (sites unchanged since the last build come whole from the cache),
  // then render the rest at once, on every core.
  const located: { node: CatalogNode; location: DocsLocation }[] = [];
  for (const node of documented) {
    const repo = byName.get(node.source.repository);
    if (!repo) continue;
    const { location, problem } = locateDocs(node, repo, catalog.repositories);
    if (problem) problems.push(problem);
    if (location) located.push({ node, location });
  }
  const prepared = await mapInBatches(located, SOURCES_AT_A_TIME, async ({ node, location }) => ({
    node,
    docs: await prepareEntityDocs(node, location, {
      base: options.base,
      highlighter,
      repositories: catalog.repositories,
      ...(cache ? { cache } : {}),
      ...(options.limits ? { maxFiles: options.limits.maxDocsFiles, maxNavDepth: options.limits.maxNavDepth } : {}),
    }),
  }));
  const waiting = prepared.flatMap(({ docs }) => ('job' in docs ? [docs] : []));
  // Progress every few seconds: rendering 10,000 pages takes half a minute.
  let report: ReturnType<typeof progress> | undefined;
  let reported = 0;
  const definitions = options.definitions ?? [];
  const { sites: rendered, definitions: definitionsKept } = await renderInPool(
    { sites: waiting.map((w) => w.job), definitions },
    highlighter,
    {
      ...(cacheFile ? { cacheFile } : {}),
      onProgress: ({ done, total, threads }) => {
        if (done === 0) {
          if (total === 0) return;
          const work = [
            ...(waiting.length > 0 ? [`rendering ${waiting.length} (${total - definitions.length} pages)`] : []),
            ...(definitions.length > 0 ? [`viewing ${definitions.length} API definition${definitions.length === 1 ? '' : 's'}`] : []),
          ];
          options.logger?.info(`${prepared.length - waiting.length} sites unchanged; ${work.join(' and ')} on ${threads} thread${threads === 1 ? '' : 's'}`);
          report = progress(options.logger, definitions.length > 0 ? 'pages rendered and definitions viewed' : 'pages rendered', total);
        } else {
          report?.tick(done - reported);
          reported = done;
        }
      },
    },
  );
  // `rendered` holds one result per waiting site, in the order of `prepared`.
  let next = 0;
  for (const { node, docs: preparedDocs } of prepared) {
    const docs = 'done' in preparedDocs ? preparedDocs.done : await preparedDocs.finish(rendered[next++] ?? { pages: [], failed: [], assets: [] });
    if (docs.site) sites.push(docs.site);
    pages.push(...docs.pages);
    problems.push(...docs.problems);
    for (const asset of paths ? docs.assets : []) {
      const assetDir = paths?.dir ?? '';
      const owner = byName.get(asset.repository);
      try {
        const bytes = await owner?.readBinary(asset.file);
        if (!bytes) continue;
        const target = join(assetDir, asset.outPath);
        if (!target.startsWith(assetDir)) continue;
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, bytes);
        copied.push(asset.outPath);
      } catch (error) {
        problems.push(makeProblem('warning', { repository: asset.repository, file: asset.file }, `asset not copied: ${error instanceof Error ? error.message : String(error)}`, { entityRef: node.ref }));
      }
    }
  }
  if (paths) {
    await mkdir(dirname(paths.manifest), { recursive: true });
    await writeFile(paths.manifest, JSON.stringify({ digest: createHash('sha256').update(copied.join('\n')).digest('hex'), files: copied.sort() }));
  }
  if (cacheFile) await highlighter.save(cacheFile);
  await cache?.prune();
  options.logger?.info(
    `${pages.length} pages for ${sites.length} entities in ${Date.now() - started} ms (sites: ${cache?.hits ?? 0} unchanged, ${cache?.misses ?? sites.length} rendered; code blocks: ${highlighter.hits} cached, ${highlighter.misses} highlighted); ${copied.length} assets`,
  );
  return { sites, pages, problems, assetCount: copied.length, definitionsKept };
}
