import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { problemSchema } from '../problems.ts';
import type { EntityDocs } from './schema.ts';
import { docsPageSchema, docsSiteSchema } from './schema.ts';

/** Bump when rendering changes, so older cached output is not reused. */
const RENDER_VERSION = 1;

const entityDocsSchema = z.object({
  site: docsSiteSchema.optional(),
  pages: z.array(docsPageSchema),
  assets: z.array(z.object({ outPath: z.string(), repository: z.string(), file: z.string() })),
  problems: z.array(problemSchema),
});

/**
 * Rendered docs sites kept between builds, one file per site, keyed by a digest of every
 * input (the files and their text, the site's location, base and links). A site whose inputs
 * did not change is not rendered again; entries not used by a build are deleted after it.
 */
export class DocsCache {
  readonly #dir: string;
  #used = new Set<string>();
  hits = 0;
  misses = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The digest of a site's inputs. */
  static key(inputs: unknown): string {
    return createHash('sha256').update(JSON.stringify([RENDER_VERSION, inputs])).digest('hex');
  }

  async get(key: string): Promise<EntityDocs | undefined> {
    this.#used.add(key);
    try {
      const parsed = entityDocsSchema.safeParse(JSON.parse(await readFile(join(this.#dir, `${key}.json`), 'utf8')));
      if (parsed.success) {
        this.hits++;
        const { site, ...rest } = parsed.data;
        return site ? { site, ...rest } : rest;
      }
    } catch {
      // missing or damaged: render again
    }
    this.misses++;
    return undefined;
  }

  async set(key: string, docs: EntityDocs): Promise<void> {
    this.#used.add(key);
    await mkdir(this.#dir, { recursive: true });
    await writeFile(join(this.#dir, `${key}.json`), JSON.stringify(docs));
  }

  /** Deletes what this build did not use, so the cache never outgrows the docs. */
  async prune(): Promise<void> {
    for (const name of await readdir(this.#dir).catch(() => [])) {
      if (!this.#used.has(name.replace(/\.json$/, ''))) await rm(join(this.#dir, name), { force: true });
    }
  }
}
