import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { TemplateFiles } from './fetch-actions.ts';
import { normalizeRelative } from '../catalog/repository-paths.ts';

/**
 * A template's repository on disk, for the CLI and tests. Reads stay inside `root`: paths are
 * normalised first, and symbolic links are neither followed nor listed.
 */
export function diskTemplateFiles(root: string): TemplateFiles {
  const inside = async (path: string): Promise<string | undefined> => {
    const normal = normalizeRelative(path);
    if (normal === undefined) return undefined;
    const full = join(root, normal);
    try {
      const real = await realpath(full);
      const realRoot = await realpath(root);
      if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
    } catch {
      return undefined;
    }
    return full;
  };
  return {
    async listFiles(dir) {
      const full = await inside(dir);
      if (full === undefined) return undefined;
      const stats = await lstat(full).catch(() => undefined);
      if (!stats?.isDirectory()) return undefined;
      const entries = await readdir(full, { recursive: true, withFileTypes: true });
      const normal = normalizeRelative(dir) ?? '';
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(full, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .map((path) => (normal === '' ? path : `${normal}/${path}`))
        .sort();
    },
    async readFile(path) {
      const full = await inside(path);
      if (full === undefined) return undefined;
      const stats = await lstat(full).catch(() => undefined);
      if (!stats?.isFile()) return undefined;
      return new Uint8Array(await readFile(full));
    },
  };
}
