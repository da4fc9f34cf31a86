import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapInBatches } from '../batches.ts';
import type { DocsPage } from './entity-docs.ts';

/** A docs page whose HTML was moved to a file. */
export type StoredDocsPage = Omit<DocsPage, 'html'> & { htmlFile: string };

/**
 * Writes each page's HTML to `dir`, named by its digest (a file that exists already is
 * left as is), deletes the files no page uses any more, and returns the pages with the
 * path in place of the HTML.
 */
export async function writePageHtml(dir: string, pages: readonly DocsPage[]): Promise<StoredDocsPage[]> {
  await mkdir(dir, { recursive: true });
  const existing = new Set(await readdir(dir));
  const used = new Set<string>();
  const stored = await mapInBatches(pages, 64, async ({ html, ...page }) => {
    const name = `${createHash('sha256').update(html).digest('hex')}.html`;
    const write = !existing.has(name) && !used.has(name);
    used.add(name);
    if (write) {
      // A temporary name first, so a build cut short never leaves half a page under the digest.
      const temporary = join(dir, `${name}.${process.pid}.tmp`);
      await writeFile(temporary, html);
      await rename(temporary, join(dir, name));
    }
    return { ...page, htmlFile: join(dir, name) };
  });
  for (const name of existing) if (!used.has(name)) await rm(join(dir, name), { force: true });
  return stored;
}
