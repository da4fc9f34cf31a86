/**
 * Folders of files handled as a whole: listed, and linked into another folder. The build
 * keeps its search index and its whole output this way between builds.
 */
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { mapInBatches } from './batches.ts';

/** Files under a folder, as paths relative to it with `/` separators; none when it is missing. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/**
 * Puts files of one folder into another as hard links, running `then` on each once it is
 * there: thousands of files in well under a second, where copying takes several. The files
 * must not be changed in place afterwards on either side, or the other changes too. Across
 * file systems, where links cannot go, the files are copied.
 */
export async function linkFiles<T>(from: string, files: readonly string[], to: string, then: (file: string) => Promise<T>): Promise<T[]> {
  for (const folder of [...new Set(files.map((file) => dirname(join(to, file))))].sort()) await mkdir(folder, { recursive: true });
  return mapInBatches(files, 64, async (file) => {
    await link(join(from, file), join(to, file)).catch(() => copyFile(join(from, file), join(to, file)));
    return then(file);
  });
}
