import type { Repository } from './source.ts';

/** A repository held in memory: generated descriptors that go through the same crawl as real files. */
export function memoryRepository(name: string, files: Record<string, string>, catalogPaths: readonly string[]): Repository {
  const read = async (path: string) => (Object.hasOwn(files, path) ? files[path] : undefined);
  return {
    name,
    catalogPaths,
    readFile: read,
    readBinary: async (path) => {
      const text = await read(path);
      return text === undefined ? undefined : new TextEncoder().encode(text);
    },
    listDirectory: async (path) => {
      const prefix = path === '' ? '' : `${path}/`;
      const names = Object.keys(files)
        .filter((f) => f.startsWith(prefix))
        .map((f) => {
          const rest = f.slice(prefix.length);
          return rest.includes('/') ? `${rest.split('/')[0]}/` : rest;
        });
      return names.length ? [...new Set(names)].sort() : undefined;
    },
    viewUrl: () => undefined,
    editUrl: () => undefined,
    lastModified: () => undefined,
  };
}
