import { posix } from 'node:path';
import { z } from 'zod';
import type { CodeHighlighter } from './highlight.ts';
import { docsAssetSchema, type DocsAsset } from './schema.ts';
import { renderDocsPage, type RenderedPage } from './markdown.ts';

export { docsAssetSchema, type DocsAsset };

/** A file of a docs site: its path in the docs tree and in the repository. */
export const siteFileSchema = z.object({ docPath: z.string(), repoPath: z.string() });
export type SiteFile = z.infer<typeof siteFileSchema>;


/** Everything needed to render one site's Markdown: plain data, so it can go to a worker thread. */
export const siteRenderJobSchema = z.object({
  /** The site's URL, e.g. `/docs/default/component/x/`. */
  root: z.string(),
  /** Site base, e.g. `/` or `/portal/`. */
  base: z.string(),
  repository: z.string(),
  /** Every file of the site, Markdown or not (links resolve against them). */
  files: z.array(siteFileSchema),
  /** The Markdown to render, with its text. */
  pages: z.array(siteFileSchema.extend({ text: z.string() })),
});
export type SiteRenderJob = z.infer<typeof siteRenderJobSchema>;

const renderedPageSchema = z.object({
  html: z.string(),
  title: z.string().optional(),
  headings: z.array(z.object({ depth: z.number(), id: z.string(), text: z.string() })),
  hasMermaid: z.boolean(),
  problems: z.array(z.object({ line: z.number().optional(), column: z.number().optional(), message: z.string() })),
}) satisfies z.ZodType<RenderedPage>;

export const siteRenderResultSchema = z.object({
  pages: z.array(siteFileSchema.extend({ rendered: renderedPageSchema })),
  /** Pages the renderer failed on (a bug met by unusual input): left out, reported, never fatal. */
  failed: z.array(siteFileSchema.extend({ message: z.string() })),
  /** Files the pages link to or show, to copy into the output. */
  assets: z.array(docsAssetSchema),
});
export type SiteRenderResult = z.infer<typeof siteRenderResultSchema>;

/** How a site's paths become URLs, and which file a link means (MkDocs' rules). */
export function siteLinks(files: readonly SiteFile[], root: string) {
  const byDocPath = new Map(files.map((f) => [f.docPath, f]));
  const lower = new Map(files.map((f) => [f.docPath.toLowerCase(), f.docPath]));
  const repoPaths = new Map(files.map((f) => [f.repoPath, f.docPath]));
  const slugFor = (docPath: string) => slugOf(docPath, byDocPath.has(posix.join(posix.dirname(docPath), 'index.md')));
  const encode = (slug: string) => slug.split('/').map(encodeURIComponent).join('/');
  return {
    byDocPath,
    slugFor,
    encode,
    urlOf: (docPath: string) => `${root}${encode(slugFor(docPath))}`,
    /** The Markdown file a link to `docPath` means: exact, then a README for an index, then any case. */
    findPage(docPath: string): string | undefined {
      for (const c of [docPath, docPath.replace(/index\.md$/i, 'README.md')]) {
        const hit = byDocPath.has(c) ? c : lower.get(c.toLowerCase());
        if (hit && /\.md$/i.test(hit)) return hit;
      }
      return undefined;
    },
    /** The docs path of a repository file (pages that live outside the docs folder). */
    byRepoPath(repoPath: string, page: boolean): string | undefined {
      const hit = repoPaths.get(repoPath) ?? (page ? repoPaths.get(repoPath.replace(/index\.md$/i, 'README.md')) : undefined);
      return hit !== undefined && (!page || /\.md$/i.test(hit)) ? hit : undefined;
    },
  };
}

/** MkDocs' directory URLs: `a/b.md` → `a/b/`, `a/index.md` and `a/README.md` → `a/`. */
export function slugOf(docPath: string, hasIndexSibling = false): string {
  const stem = docPath.replace(/\.md$/i, '');
  const base = posix.basename(stem);
  const dir = posix.dirname(stem);
  const folder = dir === '.' ? '' : `${dir}/`;
  if (base === 'index' || (base.toLowerCase() === 'readme' && !hasIndexSibling)) return folder;
  return `${folder}${base}/`;
}

/** Renders every page of one site, resolving links against the site's files. */
export async function renderSite(job: SiteRenderJob, highlighter: CodeHighlighter): Promise<SiteRenderResult> {
  const links = siteLinks(job.files, job.root);
  const assets = new Map<string, DocsAsset>();
  const pages: SiteRenderResult['pages'] = [];
  const failed: SiteRenderResult['failed'] = [];
  for (const page of job.pages) {
    const rendered = await renderDocsPage(page.text, { docPath: page.docPath, repoPath: page.repoPath }, {
      highlighter,
      resolve: ({ docPath, repoPath, page: isPage }) => {
        const hit = (isPage ? links.findPage(docPath) : links.byDocPath.get(docPath)?.docPath) ?? (repoPath === undefined ? undefined : links.byRepoPath(repoPath, isPage));
        if (hit === undefined) return undefined;
        if (/\.md$/i.test(hit)) return links.urlOf(hit);
        const url = `${job.root}${links.encode(hit)}`;
        const source = links.byDocPath.get(hit);
        const outPath = url.slice(job.base.length);
        if (source) assets.set(outPath, { outPath: decodeURIComponent(outPath), repository: job.repository, file: source.repoPath });
        return url;
      },
    }).catch((error: unknown) => {
      failed.push({ docPath: page.docPath, repoPath: page.repoPath, message: error instanceof Error ? error.message : String(error) });
      return undefined;
    });
    if (rendered) pages.push({ docPath: page.docPath, repoPath: page.repoPath, rendered });
  }
  return { pages, failed, assets: [...assets.values()] };
}
