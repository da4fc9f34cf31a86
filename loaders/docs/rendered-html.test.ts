/**
 * The docs HTML must not change when the renderer is made faster: every page of the sample
 * organisation, of a synthetic organisation as rich as the corpus (bench/generate.ts), and of
 * the shared corpus's TechDocs sites is rendered and compared, by digest, with the digests
 * recorded in rendered-html.golden.json. A change that means to alter the HTML updates them
 * on purpose: `PLAYBILL_UPDATE_GOLDEN=1 npx vitest run loaders/docs/rendered-html.test.ts`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateOrganisation } from '../../bench/generate.ts';
import { buildCorpusDocs, CORPUS_DIR, describeWithCorpus } from '../../test/support/corpus.ts';
import { buildCatalog } from '../catalog/build-catalog.ts';
import { localSource } from '../sources/local.ts';
import { buildPortalDocs } from './portal-docs.ts';
import type { DocsPage } from './schema.ts';

const ROOT = join(import.meta.dirname, '../..');
const GOLDEN = join(import.meta.dirname, 'rendered-html.golden.json');
const update = process.env['PLAYBILL_UPDATE_GOLDEN'] === '1';
type Digests = Record<string, string>;
const golden: Record<string, Digests> = existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) : {};
const updated: Record<string, Digests> = { ...golden };

/** One digest per page over everything the page template shows from the renderer. */
function digests(pages: readonly DocsPage[]): Digests {
  const out: Digests = {};
  for (const page of pages) {
    const shown = JSON.stringify([page.title, page.html, page.headings, page.hasMermaid, page.url]);
    out[`${page.entityRef}/${page.slug}`] = createHash('sha256').update(shown).digest('hex').slice(0, 20);
  }
  return out;
}

/** Renders every docs site of a folder of repositories, as the build does (worker threads included). */
async function renderFolder(path: string): Promise<Digests> {
  const catalog = await buildCatalog([localSource({ path })]);
  const docs = await buildPortalDocs(catalog, { base: '/' });
  expect(docs.pages.length).toBeGreaterThan(0);
  return digests(docs.pages);
}

function compare(name: string, actual: Digests): void {
  if (update) {
    updated[name] = actual;
    return;
  }
  expect(golden[name], `${GOLDEN} has no "${name}" digests; record them with PLAYBILL_UPDATE_GOLDEN=1`).toBeDefined();
  // Page by page, so a failure names the pages whose HTML changed.
  const changed = Object.keys({ ...golden[name], ...actual }).filter((key) => golden[name]?.[key] !== actual[key]);
  expect(changed, 'pages whose rendered HTML differs from the recorded one').toEqual([]);
}

afterAll(() => {
  if (update) writeFileSync(GOLDEN, `${JSON.stringify(updated, null, 1)}\n`);
});

describe('docs HTML is unchanged (differential)', () => {
  it('the sample organisation in content/', async () => {
    compare('sample', await renderFolder(join(ROOT, 'content')));
  });

  it('a synthetic organisation with every Markdown feature the corpus uses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'playbill-golden-'));
    try {
      await generateOrganisation(dir, { repos: 30, pages: 120 });
      compare('synthetic', await renderFolder(dir));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeWithCorpus('docs HTML is unchanged on the shared corpus (differential)', () => {
  it('every TechDocs site of shared/corpus/techdocs', async () => {
    const all: Digests = {};
    for (const site of (await readdir(join(CORPUS_DIR, 'techdocs'))).sort()) {
      // Each corpus site is one repository, docs at its root or (the monorepo plugin) in sample-docs/.
      const dir = existsSync(join(CORPUS_DIR, 'techdocs', site, 'mkdocs.yml')) ? '' : 'sample-docs';
      const docs = await buildCorpusDocs(site, { dir, name: site.toLowerCase().replace(/_+/g, '-') });
      Object.assign(all, digests(docs.pages));
    }
    expect(Object.keys(all).length).toBeGreaterThan(30);
    compare('corpus', all);
  });
});
