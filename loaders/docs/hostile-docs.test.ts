/**
 * Hostile docs at scale: each bad input is reported with its repository and file, and the
 * rest of the portal's docs still build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapInBatches } from '../batches.ts';
import { buildCatalog } from '../catalog/build-catalog.ts';
import { localSource } from '../sources/local.ts';
import { buildPortalDocs, type PortalDocs } from './portal-docs.ts';
import { writeInto } from '../../test/support/files.ts';

let root: string;
let docs: PortalDocs;
let seconds: number;
const write = (path: string, data: string | Buffer) => writeInto(join(root, 'org'), path, data);
/** A repository whose component has docs, plus whatever the case adds. */
const documented = async (repo: string, mkdocs = 'site_name: Docs\n') => {
  await write(`${repo}/catalog-info.yaml`, `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${repo}\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`);
  await write(`${repo}/mkdocs.yml`, mkdocs);
  await write(`${repo}/docs/index.md`, `# ${repo}\n\nStill here.\n`);
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'playbill-hostile-docs-'));
  await documented('healthy');
  await documented('huge-page');
  await write('huge-page/docs/huge.md', Buffer.alloc(100 * 1024 * 1024, 'a'));
  await documented('binary');
  await write('binary/docs/image.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff]));
  await documented('latin1');
  await write('latin1/docs/cafe.md', Buffer.concat([Buffer.from('# Caf'), Buffer.from([0xe9]), Buffer.from('\n\nMenu.\n')]));
  await documented('windows');
  await write('windows/docs/notes.md', '\uFEFF# Notes\r\n\r\nFirst line.\r\nSecond line.\r\n');
  await documented('quadratic');
  await write('quadratic/docs/stars.md', `${'*'.repeat(50_000)}\n\n${'['.repeat(50_000)}\n\n${'`'.repeat(50_000)}\n\n${'*a'.repeat(30_000)}\n`);
  let nav: unknown = 'index.md';
  for (let i = 0; i < 200; i++) nav = [{ [`Level ${200 - i}`]: nav }];
  await documented('deep-nav', `site_name: Deep\nnav: ${JSON.stringify(nav)}\n`);
  await documented('include-cycle', "site_name: Cycle\nnav:\n  - Home: index.md\n  - Part: '!include ./part/mkdocs.yml'\n");
  await write('include-cycle/part/mkdocs.yml', "site_name: Part\nnav:\n  - Back: '!include ../mkdocs.yml'\n");
  await write('include-cycle/part/docs/index.md', '# Part\n');
  await documented('big-image');
  await write('big-image/docs/index.md', '# Big image\n\n![Architecture](big.png)\n');
  await write('big-image/docs/big.png', Buffer.alloc(50 * 1024 * 1024, 1));
  await documented('many-files');
  await mapInBatches(Array.from({ length: 20_000 }, (_, i) => i), 200, (i) => write(`many-files/docs/page-${i}.md`, `# Page ${i}\n`));

  const started = Date.now();
  const catalog = await buildCatalog([localSource({ path: join(root, 'org') })]);
  docs = await buildPortalDocs(catalog, { base: '/', cacheDir: join(root, 'cache') });
  seconds = (Date.now() - started) / 1000;
}, 300_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('hostile docs', () => {
  it('reports each with its repository and file, and what was done about it', () => {
    const problems = docs.problems.filter((p) => !p.message.includes('user:default/guest'));
    expect(problems.map((p) => `${p.severity} ${p.repository}/${p.file}: ${p.message}`).sort()).toMatchInlineSnapshot(`
      [
        "error binary/docs/image.md: could not be read: it is a binary file (it contains NUL bytes), not Markdown; it is left out",
        "error huge-page/docs/huge.md: could not be read: file is 104857600 bytes, over the 2097152-byte limit (limits.maxFileBytes)",
        "warning big-image/docs/big.png: asset not copied: file is 52428800 bytes, over the 2097152-byte limit (limits.maxFileBytes)",
        "warning deep-nav/mkdocs.yml: nav nests deeper than 10 levels; deeper sections are left out of the menu (limits.maxNavDepth)",
        "warning include-cycle/part/mkdocs.yml: nav includes ../mkdocs.yml, which is already part of this site (an !include cycle); skipped",
        "warning latin1/docs/cafe.md: is not valid UTF-8: the bytes that are not are shown as �; save the file as UTF-8",
        "warning many-files/docs: the docs folder has more than 5000 files; only the first 5000 are read (limits.maxDocsFiles)",
      ]
    `);
  });

  it('still builds every site, and every healthy page', () => {
    const sites = docs.sites.map((s) => s.entityRef).sort();
    expect(sites).toHaveLength(10);
    for (const repo of ['healthy', 'huge-page', 'binary', 'latin1', 'windows', 'quadratic', 'deep-nav', 'include-cycle', 'big-image', 'many-files']) {
      expect(docs.pages.some((p) => p.entityRef === `component:default/${repo}` && p.slug === ''), repo).toBe(true);
    }
    expect(docs.pages.filter((p) => p.entityRef === 'component:default/many-files')).toHaveLength(5000);
  });

  it('reads a BOM and CRLF line endings as MkDocs does', () => {
    const notes = docs.pages.find((p) => p.entityRef === 'component:default/windows' && p.slug === 'notes/');
    expect(notes?.title).toBe('Notes');
    expect(notes?.html).toContain('<p>First line.\nSecond line.</p>');
  });

  it('renders pathological Markdown in linear time, and everything in bounded time', () => {
    expect(docs.pages.some((p) => p.entityRef === 'component:default/quadratic' && p.slug === 'stars/')).toBe(true);
    expect(seconds).toBeLessThan(120);
  });
});
