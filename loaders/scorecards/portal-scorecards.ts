import { posix } from 'node:path';
import { z } from 'zod';
import { CODEOWNERS_LOCATIONS } from '../catalog/codeowners.ts';
import { readCacheFile, writeCacheFile } from '../cache-files.ts';
import type { Catalog } from '../catalog/build-catalog.ts';
import { borrowedDocsRef } from '../catalog/graph.ts';
import type { DocsPage } from '../docs/entity-docs.ts';
import type { Logger } from '../logger.ts';
import type { Repository } from '../sources/source.ts';
import { evaluateScorecards, type PreviousScore } from './evaluate.ts';
import type { EntityScore, Scorecard } from './schema.ts';

/** Folders the crawl facts look into: the root, where CODEOWNERS may be, and the workflows. */
const FACT_FOLDERS = [...new Set(['', '.github/workflows', ...CODEOWNERS_LOCATIONS.map((path) => posix.dirname(path).replace(/^\.$/, ''))])];

/** The files of a repository that crawl facts are about (CODEOWNERS, README, workflows…). */
async function factFiles(repo: Repository): Promise<Set<string>> {
  const files = new Set<string>();
  for (const folder of FACT_FOLDERS) {
    for (const entry of (await repo.listDirectory(folder)) ?? []) if (!entry.endsWith('/')) files.add(folder === '' ? entry : `${folder}/${entry}`);
  }
  return files;
}

const previousSchema = z.object({ version: z.literal(2), results: z.record(z.string(), z.object({ level: z.string().nullable(), failing: z.array(z.string()) })) });

/** Last build's results, by `scorecard entityRef`; empty when there is no readable file (first build). */
async function readPrevious(file: string): Promise<Map<string, PreviousScore>> {
  return new Map(Object.entries((await readCacheFile(file, previousSchema))?.results ?? {}));
}

/** Options of {@link buildPortalScorecards}. */
export interface PortalScorecardsOptions {
  /** Where last build's levels are kept (in the build cache); without it there are no trends. */
  previousFile?: string;
  logger?: Logger;
  now?: Date;
  /** Facts plugins provided, by entity ref. */
  pluginFacts?: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * Evaluates every scorecard on every entity it applies to, from the entity, its docs and
 * its repository's files, and keeps this build's levels for the next build's trends.
 */
export async function buildPortalScorecards(catalog: Catalog, pages: readonly DocsPage[], cards: readonly Scorecard[], options: PortalScorecardsOptions = {}): Promise<EntityScore[]> {
  const started = Date.now();
  const byRef = new Map(catalog.nodes.map((n) => [n.ref, n]));
  const newest = new Map<string, string>();
  for (const page of pages) {
    const known = newest.get(page.entityRef);
    if (known === undefined || (page.lastModified ?? '') > known) newest.set(page.entityRef, page.lastModified ?? '');
  }
  const files = new Map<string, Set<string>>();
  const repositories = new Map(catalog.repositories.map((r) => [r.name, r]));
  for (const repo of catalog.repositories) files.set(repo.name, await factFiles(repo));
  const previous = options.previousFile ? await readPrevious(options.previousFile) : new Map<string, PreviousScore>();
  const now = options.now ?? new Date();
  const scores = evaluateScorecards(catalog.nodes, cards, {
    previous,
    contextFor: (node) => {
      // Docs borrowed from another entity (backstage.io/techdocs-entity) count as its docs.
      const borrowed = borrowedDocsRef(node.entity);
      const docsChanged = newest.get(node.ref) ?? (borrowed ? newest.get(borrowed) : undefined);
      const descriptorChanged = repositories.get(node.source.repository)?.lastModified(node.source.file) ?? '';
      const lastCommit = [descriptorChanged, docsChanged ?? ''].sort().at(-1);
      return {
        byRef,
        ...(lastCommit ? { lastCommit } : {}),
        docs: docsChanged === undefined ? undefined : docsChanged ? { lastModified: docsChanged } : {},
        files: files.get(node.source.repository),
        now,
        pluginFacts: options.pluginFacts?.get(node.ref) ?? {},
      };
    },
  });
  // With no last levels at all (a build from nothing), each result is stored as unchanged
  // since: the pages draw the two alike (no trend, no change in a level bar), and the next
  // build, comparing with the levels this one writes, stores the same; so the content store
  // a docs-only rebuild compares with (loaders/quick-rebuild.ts) is not all scorecard changes.
  const failing = (score: EntityScore) => score.checks.filter((c) => c.result === 'fail').map((c) => c.id);
  if (previous.size === 0) {
    for (const score of scores) {
      score.previousLevel = score.level;
      score.previousFailing = failing(score);
    }
  }
  if (options.previousFile) {
    const results = scores.map((s) => [`${s.scorecard} ${s.entityRef}`, { level: s.level, failing: failing(s) }]);
    await writeCacheFile(options.previousFile, { version: 2, results: Object.fromEntries(results) });
  }
  options.logger?.info(`${scores.length} results on ${cards.length} scorecard${cards.length === 1 ? '' : 's'} in ${Date.now() - started} ms`);
  return scores;
}
