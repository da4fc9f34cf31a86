import { describe, expect, it } from 'vitest';
import { CodeHighlighter } from './highlight.ts';
import { renderSites } from './render-pool.ts';
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

describe('renderSites', () => {
  it('renders on worker threads exactly what one thread renders, and hands back the highlighted code', async () => {
    const single = new CodeHighlighter();
    const pooled = new CodeHighlighter();
    const seen: { done: number; total: number; threads: number }[] = [];
    const [inline, threaded] = await Promise.all([renderSites(jobs(), single, { threads: 1 }), renderSites(jobs(), pooled, { threads: 2, onProgress: (p) => seen.push(p) })]);
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

  it('reports the last page of a site as a broken link target', async () => {
    const [result] = await renderSites(jobs().slice(0, 1), new CodeHighlighter(), { threads: 2 });
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
