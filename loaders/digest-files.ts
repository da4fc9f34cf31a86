import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mapInBatches } from './batches.ts';
import { writeAtomic } from './cache-files.ts';

/**
 * Writes texts to `dir` under the digest of their content (a file that exists already is
 * left as is, written under a temporary name first so a cut-short build never leaves half a
 * file), deletes the files nothing uses any more, and returns each text's path. Big texts
 * (docs HTML, drawings) live here instead of in the content-layer store, which is held in
 * memory and serialised whole on every build.
 */
export async function writeDigestFiles(dir: string, texts: readonly string[], extension: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const existing = new Set(await readdir(dir));
  const used = new Set<string>();
  const paths = await mapInBatches(texts, 64, async (text) => {
    const name = `${createHash('sha256').update(text).digest('hex')}.${extension}`;
    const write = !existing.has(name) && !used.has(name);
    used.add(name);
    if (write) await writeAtomic(join(dir, name), text);
    return join(dir, name);
  });
  for (const name of existing) if (!used.has(name)) await rm(join(dir, name), { force: true });
  return paths;
}
