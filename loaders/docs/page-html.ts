import { writeDigestFiles } from '../digest-files.ts';
import type { DocsPage } from './entity-docs.ts';

/** A docs page whose HTML was moved to a file. */
export type StoredDocsPage = Omit<DocsPage, 'html'> & { htmlFile: string };

/** Writes each page's HTML to a digest-named file in `dir` and returns the pages with its path instead. */
export async function writePageHtml(dir: string, pages: readonly DocsPage[]): Promise<StoredDocsPage[]> {
  const files = await writeDigestFiles(dir, pages.map((p) => p.html), 'html');
  return pages.map(({ html: _html, ...page }, i) => ({ ...page, htmlFile: files[i] ?? '' }));
}
