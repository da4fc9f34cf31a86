import { z } from 'zod';

const navSchema: z.ZodType<NavItem> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('page'), title: z.string(), url: z.string() }),
    z.object({ type: z.literal('link'), title: z.string(), url: z.string() }),
    z.object({ type: z.literal('section'), title: z.string(), children: z.array(navSchema) }),
  ]),
);
type NavItem = { type: 'page' | 'link'; title: string; url: string } | { type: 'section'; title: string; children: NavItem[] };

/** One entity's docs site: title, own nav, page order. */
export const docsSiteSchema = z.object({
  entityRef: z.string(),
  title: z.string(),
  url: z.string(),
  nav: z.array(navSchema),
  order: z.array(z.object({ title: z.string(), url: z.string() })),
  pageCount: z.number(),
  repository: z.string(),
});

/** One rendered docs page (sanitised HTML). */
export const docsPageSchema = z.object({
  entityRef: z.string(),
  slug: z.string(),
  url: z.string(),
  title: z.string(),
  html: z.string(),
  headings: z.array(z.object({ depth: z.number(), id: z.string(), text: z.string() })),
  hasMermaid: z.boolean(),
  repository: z.string(),
  file: z.string(),
  editUrl: z.string().optional(),
  lastModified: z.string().optional(),
});

/**
 * A docs page as the `docsPages` collection holds it: its HTML stays in a file of the cache
 * folder, named by its digest, so the content-layer store (kept in memory, serialised whole
 * on every build, and loaded again for rendering) carries paths, not 100 MB of HTML.
 */
export const storedDocsPageSchema = docsPageSchema.omit({ html: true }).extend({
  /** Absolute path of the page's sanitised HTML; the name is the digest of the content. */
  htmlFile: z.string(),
});
