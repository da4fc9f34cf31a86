import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpusDocs, describeWithCorpus } from '../../test/support/corpus.ts';
import type { CatalogNode } from '../catalog/graph.ts';
import { openLocalRepository } from '../sources/local.ts';
import { autoNav, buildEntityDocs, fallbackTitle, locateDocs, slugOf } from './entity-docs.ts';
import { CodeHighlighter } from './highlight.ts';
import { DocsCache } from './site-cache.ts';
import { normaliseNav, parseMkdocs } from './mkdocs.ts';
import { writeInto } from '../../test/support/files.ts';

function nodeFor(name: string, annotations: Record<string, string> = {}, file = 'catalog-info.yaml'): CatalogNode {
  return {
    ref: `component:default/${name}`,
    entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'default', annotations }, relations: [] },
    source: { repository: name, file, line: 1 },
  };
}


describe('mkdocs.yml', () => {
  it('tolerates !ENV, !!python/name and keeps !include', () => {
    const { config, errors } = parseMkdocs(
      ['site_name: !ENV [SITE_NAME, "Docs"]', 'markdown_extensions:', '  - pymdownx.emoji:', '      emoji_index: !!python/name:material.extensions.emoji.twemoji', 'nav:', '  - Sub: !include ./sub/mkdocs.yml'].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(normaliseNav(config.nav ?? [])).toEqual([{ type: 'include', title: 'Sub', configPath: './sub/mkdocs.yml', wildcard: false }]);
  });

  it('reports syntax errors with their line instead of throwing', () => {
    expect(parseMkdocs('nav:\n  - a: [unclosed\n').errors[0]).toMatchObject({ line: expect.any(Number), message: expect.stringContaining('mkdocs.yml:') });
  });

  it('normalises every nav form', () => {
    expect(normaliseNav(['index.md', { Guide: 'guide.md' }, { Site: 'https://example.com' }, { Section: ['./a.md', { B: 'b.md' }] }, { '*include ./parts/* Parts': '!include .' }])).toEqual([
      { type: 'page', docPath: 'index.md' },
      { type: 'page', title: 'Guide', docPath: 'guide.md' },
      { type: 'link', title: 'Site', url: 'https://example.com' },
      { type: 'section', title: 'Section', children: [{ type: 'page', docPath: 'a.md' }, { type: 'page', title: 'B', docPath: 'b.md' }] },
      { type: 'include', title: 'Parts', configPath: './parts/*/mkdocs.yml', wildcard: true },
    ]);
  });
});

describe('page URLs and titles', () => {
  it('uses MkDocs directory URLs', () => {
    expect(slugOf('index.md')).toBe('');
    expect(slugOf('a/b.md')).toBe('a/b/');
    expect(slugOf('a/index.md')).toBe('a/');
    expect(slugOf('a/README.md')).toBe('a/');
    expect(slugOf('a/README.md', true)).toBe('a/README/');
  });

  it('titles heading-less pages from their file or folder', () => {
    expect(fallbackTitle('getting-started.md')).toBe('Getting started');
    expect(fallbackTitle('guides/index.md')).toBe('Guides');
    expect(fallbackTitle('index.md', 'My site')).toBe('My site');
  });

  it('builds a nav from the folder tree: index first, pages, then folders', () => {
    expect(autoNav(['b.md', 'index.md', 'a.md', 'sub/x.md', 'sub/index.md'])).toEqual([
      { type: 'page', docPath: 'index.md' },
      { type: 'page', docPath: 'a.md' },
      { type: 'page', docPath: 'b.md' },
      { type: 'section', title: 'sub', children: [{ type: 'page', docPath: 'sub/index.md' }, { type: 'page', docPath: 'sub/x.md' }] },
    ]);
  });
});

describeWithCorpus('real TechDocs sites (shared/corpus/techdocs) build without errors', () => {
  it('backstage/backstage: nav of two, every page built, only missing images reported', async () => {
    const docs = await buildCorpusDocs('backstage__backstage');
    expect(docs.pages).toHaveLength(7);
    expect(docs.site?.nav.map((n) => n.title)).toEqual(['Home', 'SubPage']);
    expect(docs.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // The corpus keeps image references but not the images.
    expect(docs.problems.every((p) => /^image ".*" points at .*, which does not exist$/.test(p.message))).toBe(true);
  });

  it('RoadieHQ/sample-service: nested sections, odd front matter, Mermaid', async () => {
    const docs = await buildCorpusDocs('RoadieHQ__sample-service');
    expect(docs.pages).toHaveLength(8);
    expect(docs.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(docs.pages.some((p) => p.hasMermaid)).toBe(true);
    const section = docs.site?.nav.find((n) => n.title === 'AutoIndex');
    expect(section?.type === 'section' && section.children.map((c) => c.title)).toEqual(['Folder', 'Test 2']);
  });

  it('mkdocs-monorepo-plugin: !include and wildcard sub-sites under their site_name', async () => {
    const docs = await buildCorpusDocs('backstage__mkdocs-monorepo-plugin', { dir: 'sample-docs' });
    expect(docs.pages).toHaveLength(18);
    expect(docs.problems).toEqual([]);
    const api = docs.site?.nav.find((n) => n.title === 'API');
    expect(api?.type === 'section' && api.children.map((c) => c.title)).toEqual(['v1', 'v2', 'v3']);
    const index = docs.pages.find((p) => p.slug === '');
    expect(index?.html).toContain('href="/docs/default/component/site/versions/v1/reference/"');
    expect(docs.pages.map((p) => p.slug)).toContain('versions/v3/Getting%20Started/overview/'.replace('%20', ' '));
  });
});

describe('docs that point where they must not', () => {
  let root: string;
  const write = (path: string, text: string) => writeInto(root, path, text);
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'playbill-docs-'));
    await write('outside.md', '# Secret outside\n');
    await write('repo/catalog-info.yaml', '');
    await write('repo/README.md', '# From the README\n\nSee [colours](docs/colours.md).\n');
    await write('repo/docs/colours.md', '# Colours\n');
    await write('repo/escape/mkdocs.yml', 'site_name: Escape\ndocs_dir: ../../\n');
    await symlink(join(root, 'outside.md'), join(root, 'repo/docs/leak.md'));
    await write('repo/linked/docs/index.md', '# Linked\n');
    await symlink(join(root, 'outside.md'), join(root, 'repo/linked/mkdocs.yml'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('uses the README as the index when docs/ has none, with its links still working', async () => {
    const repo = await openLocalRepository('repo', join(root, 'repo'));
    const docs = await buildEntityDocs(nodeFor('repo'), { repository: repo, dir: '' }, { base: '/portal/', highlighter: new CodeHighlighter(), repositories: [repo] });
    const index = docs.pages.find((p) => p.slug === '');
    expect(index?.title).toBe('From the README');
    expect(index?.html).toContain('href="/portal/docs/default/component/repo/colours/"');
    expect(JSON.stringify(docs)).not.toContain('Secret outside');
    expect(docs.problems.map((p) => `${p.file}: ${p.message}`)).toMatchInlineSnapshot(`
      [
        "docs/leak.md: could not be read: "docs/leak.md" resolves outside the repository (symbolic link?)",
      ]
    `);
  });

  it('refuses a techdocs-ref or docs_dir outside the repository', async () => {
    const repo = await openLocalRepository('repo', join(root, 'repo'));
    expect(locateDocs(nodeFor('repo', { 'backstage.io/techdocs-ref': 'dir:../..' }), repo, [repo]).problem?.message).toMatchInlineSnapshot(
      `"backstage.io/techdocs-ref "dir:../.." leaves the repository; point it at a folder inside it"`,
    );
    const docs = await buildEntityDocs(nodeFor('repo'), { repository: repo, dir: 'escape' }, { base: '/', highlighter: new CodeHighlighter(), repositories: [repo] });
    expect(docs.pages).toEqual([]);
    expect(docs.problems.map((p) => p.message)).toMatchInlineSnapshot(`
      [
        "docs_dir "../../" leaves the repository",
        "backstage.io/techdocs-ref points at escape, which has no Markdown docs (expected mkdocs.yml and docs/index.md)",
      ]
    `);
  });

  it('reports an mkdocs.yml that leaves the repository instead of taking it for absent', async () => {
    const repo = await openLocalRepository('repo', join(root, 'repo'));
    const docs = await buildEntityDocs(nodeFor('repo'), { repository: repo, dir: 'linked' }, { base: '/', highlighter: new CodeHighlighter(), repositories: [repo] });
    expect(JSON.stringify(docs)).not.toContain('Secret outside');
    expect(docs.problems.map((p) => `${p.severity} ${p.file}: ${p.message}`)).toMatchInlineSnapshot(`
      [
        "warning linked/mkdocs.yml: could not be read: "linked/mkdocs.yml" resolves outside the repository (symbolic link?)",
      ]
    `);
  });

  it('keeps the entity and warns about its docs when the techdocs-ref is not dir: or url: (Backstage accepts it)', async () => {
    const repo = await openLocalRepository('repo', join(root, 'repo'));
    const { location, problem } = locateDocs(nodeFor('repo', { 'backstage.io/techdocs-ref': 's3' }), repo, [repo]);
    expect(location).toBeUndefined();
    expect(`${problem?.severity} ${problem?.field}: ${problem?.message}`).toMatchInlineSnapshot(`"warning metadata.annotations.backstage.io/techdocs-ref: backstage.io/techdocs-ref "s3" is not a location Playbill can build docs from; use dir:<folder> (e.g. dir:.) or url:<repository URL>; the entity is kept, its docs are not built"`);
  });

  it('resolves url: refs to a crawled repository', async () => {
    const repo = await openLocalRepository('repo', join(root, 'repo'), { urlTemplate: 'https://github.com/acme/{repo}/blob/main/{path}' });
    const { location } = locateDocs(nodeFor('other', { 'backstage.io/techdocs-ref': 'url:https://github.com/acme/repo/tree/main/docs' }), repo, [repo]);
    expect(location?.repository.name).toBe('repo');
    expect(location?.dir).toBe('docs');
  });
});

describe('reusing rendered sites between builds', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'playbill-docs-cache-'));
    await mkdir(join(root, 'repo/docs'), { recursive: true });
    await writeFile(join(root, 'repo/docs/index.md'), '# Home\n\nSee [setup](setup.md).\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('renders a site again only when one of its inputs changed, including what its links point at', async () => {
    const repo = await openLocalRepository('repo', join(root, 'repo'));
    const cache = new DocsCache(join(root, 'cache'));
    const build = () => buildEntityDocs(nodeFor('repo'), { repository: repo, dir: '' }, { base: '/', highlighter: new CodeHighlighter(), repositories: [repo], cache });

    const first = await build();
    expect(first.problems.map((p) => p.message)).toEqual(['link "setup.md" points at setup.md, which does not exist']);
    expect(await build()).toEqual(first);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);

    // A new page fixes the link on the index, though the index itself did not change.
    await writeFile(join(root, 'repo/docs/setup.md'), '# Setup\n');
    const third = await build();
    expect(cache.misses).toBe(2);
    expect(third.problems).toEqual([]);
    expect(third.pages.find((p) => p.slug === '')?.html).toContain('href="/docs/default/component/repo/setup/"');
  });
});

describe('a page the renderer fails on', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'playbill-docs-fail-'));
    await mkdir(join(root, 'repo/docs'), { recursive: true });
    await writeFile(join(root, 'repo/docs/index.md'), '# Home\n\n[Broken](broken.md)\n');
    await writeFile(join(root, 'repo/docs/broken.md'), '# Broken\n\n```js\nexplode();\n```\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('is left out with an error naming its file, and the rest of the site still builds', async () => {
    class FailingHighlighter extends CodeHighlighter {
      override async highlight(code: string, options: { lang: string }): Promise<string> {
        if (code.includes('explode')) throw new Error('renderer bug');
        return super.highlight(code, options);
      }
    }
    const repo = await openLocalRepository('repo', join(root, 'repo'));
    const docs = await buildEntityDocs(nodeFor('repo'), { repository: repo, dir: '' }, { base: '/', highlighter: new FailingHighlighter(), repositories: [repo] });
    expect(docs.pages.map((p) => p.file)).toEqual(['docs/index.md']);
    expect(docs.problems).toEqual([expect.objectContaining({ severity: 'error', repository: 'repo', file: 'docs/broken.md', message: 'could not be rendered (renderer bug); the page is left out' })]);
  });
});
