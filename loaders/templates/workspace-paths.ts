/**
 * POSIX path arithmetic for template runs, the same in Node and in the browser. A template's
 * paths are untrusted: every join is checked to stay inside its root.
 */

/** Thrown for a path that would leave the workspace or the template's repository. */
export class PathOutsideError extends Error {}

/** Resolves `.` and `..` segments of a relative path; undefined when it climbs above its start. */
export function normalizeRelative(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

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

/** The folder of a repository-relative file path ('' for the root). */
export function dirnameOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at === -1 ? '' : path.slice(0, at);
}
