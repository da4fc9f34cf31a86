import { z } from 'zod';
import type { Problem } from '../problems.ts';

/** A nav entry ready to render: a page or link, or a section of entries. */
export type ResolvedNav = { type: 'page' | 'link'; title: string; url: string } | { type: 'section'; title: string; children: ResolvedNav[] };
const navSchema: z.ZodType<ResolvedNav> = z.lazy(() =>
  z.union([
    z.object({ type: z.enum(['page', 'link']), title: z.string(), url: z.string() }),
    z.object({ type: z.literal('section'), title: z.string(), children: z.array(navSchema) }),
  ]),
);

/** A file to copy into the site, e.g. an image. */
export const docsAssetSchema = z.object({
  /** Path under the site root, no leading slash, e.g. `docs/default/component/x/images/a.png`. */
  outPath: z.string(),
  repository: z.string(),
  file: z.string(),
});
export type DocsAsset = z.infer<typeof docsAssetSchema>;

/** One heading of a page, for its table of contents. */
export const tocEntrySchema = z.object({ depth: z.number(), id: z.string(), text: z.string() });
export type TocEntry = z.infer<typeof tocEntrySchema>;

/** One entity's docs site: its own nav, so a page never grows with the size of the portal. */
export const docsSiteSchema = z.object({
  entityRef: z.string(),
  title: z.string(),
  url: z.string(),
  nav: z.array(navSchema),
  /** Pages in nav order, for previous/next. */
  order: z.array(z.object({ title: z.string(), url: z.string() })),
  pageCount: z.number(),
  repository: z.string(),
});
export type DocsSite = z.infer<typeof docsSiteSchema>;

/** One rendered docs page (sanitised HTML). */
export const docsPageSchema = z.object({
  entityRef: z.string(),
  /** Path under the entity's docs URL, `''` for the index, else ending in `/`. */
  slug: z.string(),
  url: z.string(),
  title: z.string(),
  html: z.string(),
  headings: z.array(tocEntrySchema),
  hasMermaid: z.boolean(),
  repository: z.string(),
  file: z.string(),
  editUrl: z.string().optional(),
  lastModified: z.string().optional(),
});
export type DocsPage = z.infer<typeof docsPageSchema>;

/**
 * A docs page as the `docsPages` collection holds it: its HTML stays in a file of the cache
 * folder, named by its digest, so the content-layer store (kept in memory, serialised whole
 * on every build, and loaded again for rendering) carries paths, not 100 MB of HTML.
 */
export const storedDocsPageSchema = docsPageSchema.omit({ html: true }).extend({
  /** Absolute path of the page's sanitised HTML; the name is the digest of the content. */
  htmlFile: z.string(),
});

/** What building one entity's docs yields. */
export interface EntityDocs {
  site?: DocsSite;
  pages: DocsPage[];
  assets: DocsAsset[];
  problems: Problem[];
}
