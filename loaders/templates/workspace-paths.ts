import { normalizeRelative } from '../catalog/repository-paths.ts';

/**
 * Where a template run writes, the same in Node and in the browser. A template's paths are
 * untrusted: every join is checked to stay inside its root.
 */

/** Thrown for a path that would leave the workspace or the template's repository. */
export class PathOutsideError extends Error {}

/**
 * `child` inside `root` (both relative), as Backstage's resolveSafeChildPath: an absolute
 * `child` or one that climbs out is refused.
 */
export function safeJoin(root: string, child: string, what: string): string {
  if (child.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(child) || child.includes('\\')) {
    throw new PathOutsideError(`${what} "${child}" is absolute; it must be a path inside the new project`);
  }
  const joined = normalizeRelative(`${root}/${child}`);
  if (joined === undefined) throw new PathOutsideError(`${what} "${child}" leaves the new project's folder; it must stay inside it`);
  return joined;
}
