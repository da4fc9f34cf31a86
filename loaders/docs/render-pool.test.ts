import { describe, expect, it } from 'vitest';
import { CodeHighlighter } from './highlight.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definitionViewSchema, viewDefinition } from '../apis/definition-view.ts';
import { renderInPool } from './render-pool.ts';
import { renderSite } from './render-site.ts';
import type { SiteRenderJob } from './render-site.ts';

/** Four sites of 100 pages each: enough that the pool starts its worker threads. */
function jobs(): SiteRenderJob[] {
  return [0, 1, 2, 3].map((site) => {
    const root = `/docs/default/component/site-${site}/`;
    const pages = Array.from({ length: 100 }, (_, i) => ({
      docPath: i === 0 ? 'index.md' : `page-${i}.md`,
      repoPath: i === 0 ? 'docs/index.md' : `docs/page-${i}.md`,
      text: `# Page ${i} of site ${site}\n\nSee [the next page](page-${i + 1}.md) and ![a diagram](img/d.png).\n\n!!! note\n    Admonition ${i}.\n\n\`\`\`ts\nconst n: number = ${i};\n\`\`\`\n`,
    }));
    return { root, base: '/', repository: `repo-${site}`, files: [...pages.map(({ docPath, repoPath }) => ({ docPath, repoPath })), { docPath: 'img/d.png', repoPath: 'docs/img/d.png' }], pages };
  });
}

describe('renderInPool', () => {
  it('renders on worker threads exactly what one thread renders, and hands back the highlighted code', async () => {
    const single = new CodeHighlighter();
    const pooled = new CodeHighlighter();
    const seen: { done: number; total: number; threads: number }[] = [];
    const [{ sites: inline }, { sites: threaded }] = await Promise.all([
      renderInPool({ sites: jobs() }, single, { threads: 1 }),
      renderInPool({ sites: jobs() }, pooled, { threads: 2, onProgress: (p) => seen.push(p) }),
    ]);
    expect(threaded).toEqual(inline);
    expect(threaded[2]?.pages[5]?.rendered.html).toContain('href="/docs/default/component/site-2/page-6/"');
    expect(threaded[0]?.assets).toEqual([{ outPath: 'docs/default/component/site-0/img/d.png', repository: 'repo-0', file: 'docs/img/d.png' }]);
    // The workers' highlighting reaches the build's highlighter (and so its cache file).
    expect(pooled.hits + pooled.misses).toBe(400);
    expect(single.hits + single.misses).toBe(400);
    // Progress: first the thread count, then once per site, up to every page.
    expect(seen.map((p) => p.done)).toEqual([0, 100, 200, 300, 400]);
    expect(seen.every((p) => p.total === 400 && p.threads === 2)).toBe(true);
  }, 60_000);

  it('views API definitions beside the sites, keeping each view in its file as this thread would', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'playbill-views-'));
    const definitions = [
      { type: 'openapi', definition: 'openapi: 3.0.0\ninfo: { title: Pets, version: 1.2.0 }\npaths:\n  /pets:\n    get: { summary: List pets, responses: { "200": { description: ok } } }\n' },
      { type: 'graphql', definition: 'type Query { pets: [String!]! }\n' },
      { type: 'openapi', definition: '{"openapi": "3.1.0", "paths": {}}' },
      { type: 'asyncapi', definition: 'asyncapi: 2.6.0\n' },
    ];
    try {
      const tasks = definitions.map((d, i) => ({ ...d, file: join(dir, `${i}.json`) }));
      const seen: number[] = [];
      const { sites, definitions: kept } = await renderInPool({ sites: jobs().slice(0, 3), definitions: tasks }, new CodeHighlighter(), { threads: 2, onProgress: (p) => seen.push(p.done) });
      expect(sites).toHaveLength(3);
      // Progress counts each site's pages and each definition: 300 pages and 4 definitions.
      expect(seen).toHaveLength(1 + 3 + 4);
      expect(seen.at(-1)).toBe(304);
      expect(kept).toEqual([true, true, true, true]);
      const views = await Promise.all(tasks.map(async (t) => definitionViewSchema.parse(JSON.parse(await readFile(t.file, 'utf8')))));
      expect(views).toEqual(await Promise.all(definitions.map((d) => viewDefinition(d))));
      expect(views[0]?.openapi?.operations.map((o) => `${o.method} ${o.path} ${o.summary}`)).toEqual(['get /pets List pets']);
      expect(views.map((v) => v.lang)).toEqual(['yaml', 'graphql', 'json', 'yaml']);
      expect(views[1]?.html).toMatch(/^<pre class="astro-code /);
      // A view that cannot be kept (its folder is gone) is reported as not kept, and the rest still are.
      const lost = await renderInPool({ sites: jobs().slice(0, 3), definitions: [{ ...definitions[1]!, file: join(dir, 'gone', 'x.json') }, tasks[0]!] }, new CodeHighlighter(), { threads: 2 });
      expect(lost.definitions).toEqual([false, true]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('reports the last page of a site as a broken link target', async () => {
    const { sites: [result] } = await renderInPool({ sites: jobs().slice(0, 1) }, new CodeHighlighter(), { threads: 2 });
    expect(result?.pages[99]?.rendered.problems.map((p) => p.message)).toEqual([expect.stringContaining('page-100.md')]);
  });

  it('leaves out a page the renderer fails on, says why, and renders the rest', async () => {
    class FailingHighlighter extends CodeHighlighter {
      override async highlight(code: string, options: { lang: string }): Promise<string> {
        if (code.includes('= 7;')) throw new Error('highlighter broke');
        return super.highlight(code, options);
      }
    }
    const [job] = jobs();
    if (!job) throw new Error('no job');
    const result = await renderSite(job, new FailingHighlighter());
    expect(result.failed).toEqual([{ docPath: 'page-7.md', repoPath: 'docs/page-7.md', message: 'highlighter broke' }]);
    expect(result.pages).toHaveLength(99);
  });
});
