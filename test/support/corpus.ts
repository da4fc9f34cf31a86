/**
 * Where the shared corpus (real descriptors, TechDocs sites and templates from public
 * repositories) is: `../shared/corpus` beside the clone, or `PLAYBILL_CORPUS_DIR`. A plain
 * clone has none; the tests that need it are then skipped with one line saying so, unless
 * `PLAYBILL_REQUIRE_CORPUS=1` (set by `.ci/run`), where a missing corpus fails the run.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'vitest';
import { buildEntityDocs } from '../../loaders/docs/entity-docs.ts';
import { CodeHighlighter } from '../../loaders/docs/highlight.ts';
import type { EntityDocs } from '../../loaders/docs/schema.ts';
import { openLocalRepository } from '../../loaders/sources/local.ts';

const ROOT = join(import.meta.dirname, '../..');

/** The corpus folder, whether or not it exists. */
export const CORPUS_DIR = resolve(ROOT, process.env['PLAYBILL_CORPUS_DIR'] ?? '../shared/corpus');

/** True when the corpus is there to test against. */
export const hasCorpus = existsSync(join(CORPUS_DIR, 'README.md'));

const required = process.env['PLAYBILL_REQUIRE_CORPUS'] === '1';
if (!hasCorpus && required) {
  throw new Error(`PLAYBILL_REQUIRE_CORPUS=1 but the shared corpus is not at ${CORPUS_DIR}: the corpus tests would be skipped`);
}

/**
 * `describe`, run only when the corpus is there. Without it, the suite is skipped and one
 * line names what was skipped and why (the skip alone would be easy to miss).
 */
export function describeWithCorpus(name: string, body: () => void): void {
  if (hasCorpus) {
    describe(name, body);
    return;
  }
  process.stdout.write(`corpus tests skipped: "${name}" needs ${CORPUS_DIR}, which a plain clone does not have (CI runs them)\n`);
  // The body reads the corpus even to list its tests, so it is not called.
  describe.skip(name, () => {});
}

/**
 * One TechDocs site of the corpus (`techdocs/SITE`, docs in `dir`), built as the docs of a
 * component named `name` whose repository is the site's folder.
 */
export async function buildCorpusDocs(site: string, options: { dir?: string; name?: string } = {}): Promise<EntityDocs> {
  const repo = await openLocalRepository(site, join(CORPUS_DIR, 'techdocs', site));
  const name = options.name ?? 'site';
  const node = {
    ref: `component:default/${name}`,
    entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'default', annotations: {} }, relations: [] },
    source: { repository: site, file: 'catalog-info.yaml', line: 1 },
  };
  return buildEntityDocs(node, { repository: repo, dir: options.dir ?? '' }, { base: '/', highlighter: new CodeHighlighter(), repositories: [repo] });
}
