import type { Repository } from '../sources/source.ts';
import type { TemplateFiles } from './fetch-actions.ts';

/**
 * The two ways a template's files are held without touching the disk directly: in memory (the
 * page's bundle, tests) and through a source's `Repository` (the build and the CLI, for local
 * folders and GitHub alike). The disk itself is `disk-files.ts` (Node only).
 */

/** Files held in memory, by repository-relative path; text is stored as UTF-8 once, here. */
export function memoryTemplateFiles(entries: Iterable<readonly [string, string | Uint8Array]>): TemplateFiles {
  const encoder = new TextEncoder();
  const files = new Map([...entries].map(([path, file]) => [path, typeof file === 'string' ? encoder.encode(file) : file]));
  const paths = [...files.keys()].sort();
  return {
    async listFiles(dir) {
      const prefix = dir === '' ? '' : `${dir}/`;
      const found = paths.filter((path) => path.startsWith(prefix));
      return found.length > 0 ? found : undefined;
    },
    readFile: async (path) => files.get(path),
  };
}

/** A repository's files; listing stops after `maxListed` files (a skeleton can be the whole repository). */
export function repositoryTemplateFiles(repo: Repository, options: { maxListed?: number } = {}): TemplateFiles {
  const limit = options.maxListed ?? Number.POSITIVE_INFINITY;
  const list = async (dir: string, out: string[]): Promise<boolean> => {
    const entries = await repo.listDirectory(dir);
    if (entries === undefined) return false;
    for (const entry of [...entries].sort()) {
      if (out.length >= limit) break;
      const path = dir === '' ? entry : `${dir}/${entry}`;
      if (entry.endsWith('/')) await list(path.slice(0, -1), out);
      else out.push(path);
    }
    return true;
  };
  return {
    async listFiles(dir) {
      const out: string[] = [];
      return (await list(dir, out)) ? out.sort() : undefined;
    },
    readFile: (path) => repo.readBinary(path),
  };
}
