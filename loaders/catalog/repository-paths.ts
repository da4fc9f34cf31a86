/**
 * Repository-relative POSIX paths, without node:path, so the template form's script in the
 * browser resolves paths with the same code as the crawl.
 */

/** Resolves `.`, `..` and empty segments of a relative path; undefined when it climbs above its start. */
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
 * Resolves `target` against the folder of `fromFile`, both repository-relative POSIX paths.
 * Returns undefined when the result would leave the repository (absolute paths, `..` above
 * the root), which callers report as a problem.
 */
export function resolveInRepository(fromFile: string, target: string): string | undefined {
  if (target.startsWith('/') || target.includes('\\') || target.includes('\0')) return undefined;
  const folder = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/')) : '';
  return normalizeRelative(`${folder}/${target}`);
}

/** True for `https://…`-style absolute URLs (any scheme with `//`). */
export function isAbsoluteUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}
