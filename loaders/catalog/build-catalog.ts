import { resolve } from 'node:path';
import type { LoadedConfig } from '../config.ts';
import { mapInBatches, SOURCES_AT_A_TIME } from '../batches.ts';
import { crawlRepository, type CrawlOptions, type CrawlResult, type EntityRecord } from './crawl.ts';
import { buildGraph, type CatalogGraph } from './graph.ts';
import { progress, type Logger } from '../logger.ts';
import { checkRemovals, type RemovalGuardOptions } from './removal-guard.ts';
import { sortProblems, type Problem } from '../problems.ts';
import { githubSource } from '../sources/github.ts';
import { localSource } from '../sources/local.ts';
import type { Repository, Source } from '../sources/source.ts';


/** The whole crawl's result: the graph plus every repository read. */
export interface Catalog extends CatalogGraph {
  repositories: Repository[];
  /** How many descriptor files were read (a lint that read none checked nothing). */
  descriptors: number;
}

/** Builds the sources a config names. GitHub sources keep their downloads in `cacheDir`. */
export function sourcesOf(loaded: LoadedConfig, options: { cacheDir: string; logger?: Logger }): Source[] {
  return loaded.config.sources.map((entry) => {
    const { maxFileBytes } = loaded.config.limits;
    if ('github' in entry) return githubSource({ config: entry.github, cacheDir: options.cacheDir, maxFileBytes, ...(options.logger ? { logger: options.logger } : {}) });
    const { path, catalogPath, urlTemplate, editUrlTemplate } = entry.local;
    return localSource({
      path: resolve(loaded.root, path),
      maxFileBytes,
      ...(catalogPath ? { catalogPaths: [catalogPath].flat() } : {}),
      ...(urlTemplate ? { urlTemplate } : {}),
      ...(editUrlTemplate ? { editUrlTemplate } : {}),
    });
  });
}

/**
 * Crawls every repository of every source and joins them into one catalog. One bad
 * repository never hides the others: its failure becomes a problem.
 */
export async function buildCatalog(sources: readonly Source[], options: CrawlOptions & { logger?: Logger; removalGuard?: RemovalGuardOptions } = {}): Promise<Catalog> {
  const records: EntityRecord[] = [];
  const counts = new Map<string, number>();
  const problems: Problem[] = [];
  const repositories: Repository[] = [];
  let descriptors = 0;
  for (const source of sources) {
    const repos = await source.listRepositories();
    problems.push(...(source.problems ?? []));
    options.logger?.info(`${source.id}: ${repos.length} repositories`);
    const report = progress(options.logger, `${source.id}: repositories read`, repos.length);
    const first = records.length;
    // Several repositories at a time, joined in the listing's order: the catalog does not
    // depend on timing.
    const results = await mapInBatches(repos, SOURCES_AT_A_TIME, async (repo): Promise<CrawlResult> => {
      const result = await crawlRepository(repo, options).catch((error: unknown) => ({
        records: [],
        files: [],
        problems: [{ severity: 'error' as const, repository: repo.name, file: '', message: `repository could not be crawled: ${String(error)}` }],
      }));
      report.tick();
      return result;
    });
    for (const result of results) {
      records.push(...result.records);
      problems.push(...result.problems);
      descriptors += result.files.length;
    }
    repositories.push(...repos);
    counts.set(source.id, records.length - first);
  }
  if (options.removalGuard) await checkRemovals(counts, options.removalGuard);
  const graph = buildGraph(records);
  return { nodes: graph.nodes, problems: sortProblems([...problems, ...graph.problems]), repositories, descriptors };
}
