import { posix } from 'node:path';

/**
 * Resolves `target` against the folder of `fromFile`, both repository-relative POSIX paths.
 * Returns undefined when the result would leave the repository (absolute paths, `..` above
 * the root), which callers report as a problem.
 */
export function resolveInRepository(fromFile: string, target: string): string | undefined {
  if (target.startsWith('/') || target.includes('\\') || target.includes('\0')) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(fromFile), target));
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** True for `https://…`-style absolute URLs (any scheme with `//`). */
export function isAbsoluteUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}
