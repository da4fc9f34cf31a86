import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { FileTooLargeError, PathEscapeError, type Repository, type Source } from './source.ts';

/** Options of a local folder source: `<path>/<repository>/catalog-info.yaml`. */
export interface LocalSourceOptions {
  /** Folder holding one folder per repository. */
  path: string;
  /** Descriptor paths inside each repository. */
  catalogPaths?: readonly string[];
  /** Files larger than this are rejected unread. */
  maxFileBytes?: number;
  /**
   * Optional template for links to files, e.g.
   * `https://github.com/acme/{repo}/blob/main/{path}`; without it problems show paths only.
   */
  urlTemplate?: string;
  /** Like `urlTemplate`, for "edit this page", e.g. `https://github.com/acme/{repo}/edit/main/{path}`. */
  editUrlTemplate?: string;
  /** Commit dates by path relative to the repository, e.g. from `gitLastModified`. */
  dates?: ReadonlyMap<string, string>;
  /** The commit the files are from, when known (GitHub). */
  commit?: string;
  /** Date for files `dates` does not list, e.g. the crawled commit's. */
  defaultDate?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

function fillTemplate(template: string | undefined, repo: string, path: string): string | undefined {
  if (!template) return undefined;
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return template.replaceAll('{repo}', encodeURIComponent(repo)).replaceAll('{path}', encodedPath);
}

/**
 * One folder on disk read as a repository. Every read is confined to the folder: a path or
 * symbolic link that resolves outside it throws PathEscapeError.
 *
 * Files are located, checked and read with blocking calls: a crawl reads every descriptor and
 * docs page (12,000 files at 10,000 docs pages), and each asynchronous call's round trip
 * through libuv's threads cost more than the call itself (in a CPU profile of that crawl,
 * 2.2 s of the main thread's time in realpath, stat, open, read and close).
 */
export async function openLocalRepository(
  name: string,
  dir: string,
  options: Omit<LocalSourceOptions, 'path'> = {},
): Promise<Repository> {
  const realDir = await realpath(resolve(dir));
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  async function locate(path: string): Promise<string | undefined> {
    let real: string;
    try {
      real = realpathSync.native(join(realDir, path));
    } catch {
      return undefined;
    }
    if (real !== realDir && !real.startsWith(realDir + sep)) {
      throw new PathEscapeError(`"${path}" resolves outside the repository (symbolic link?)`);
    }
    return real;
  }

  /** A file's bytes: confined, size-checked, undefined when it is not a file. */
  async function readBytes(path: string): Promise<Buffer | undefined> {
    const real = await locate(path);
    if (real === undefined) return undefined;
    const info = statSync(real);
    if (!info.isFile()) return undefined;
    if (info.size > maxBytes) throw new FileTooLargeError(info.size, maxBytes);
    return readFileSync(real);
  }

  return {
    name,
    catalogPaths: options.catalogPaths ?? ['catalog-info.yaml'],
    async readFile(path) {
      return (await readBytes(path))?.toString('utf8');
    },
    readBinary: readBytes,
    async listDirectory(path) {
      const real = await locate(path);
      if (real === undefined) return undefined;
      try {
        const entries = readdirSync(real, { withFileTypes: true });
        return entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
      } catch {
        return undefined;
      }
    },
    viewUrl(path, line) {
      const url = fillTemplate(options.urlTemplate, name, path);
      return url && line ? `${url}#L${line}` : url;
    },
    editUrl(path) {
      return fillTemplate(options.editUrlTemplate, name, path);
    },
    lastModified(path) {
      return options.dates?.get(path) ?? options.defaultDate;
    },
    ...(options.commit ? { commit: options.commit } : {}),
  };
}

/**
 * Last commit date of every file under a folder, from one `git log` run. Empty when the
 * folder is not in a git work tree (or git is missing): dates are a nicety, never required.
 */
export async function gitLastModified(dir: string): Promise<Map<string, string>> {
  const dates = new Map<string, string>();
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      'git',
      ['-C', dir, 'log', '--format=%x00%cI', '--name-only', '--relative', '--no-renames', '--max-count=20000', '--', '.'],
      { maxBuffer: 256 * 1024 * 1024 },
    ));
  } catch {
    return dates;
  }
  for (const chunk of stdout.split('\0')) {
    const [date, ...files] = chunk.split('\n').filter(Boolean);
    if (!date) continue;
    for (const file of files) if (!dates.has(file)) dates.set(file, date);
  }
  return dates;
}

/**
 * A folder of repositories on disk: the embedded sample, or a checkout of many repositories.
 * Folders starting with `.` or `_` are not repositories (`_guides` holds the portal's own guides).
 */
export function localSource(options: LocalSourceOptions): Source {
  return {
    id: `local:${options.path}`,
    async listRepositories() {
      const root = await realpath(resolve(options.path));
      const entries = await readdir(root, { withFileTypes: true });
      const folders = entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
        .map((e) => e.name)
        .sort();
      const dates = await gitLastModified(root);
      return Promise.all(
        folders.map((name) => {
          const prefix = `${name}/`;
          const own = new Map([...dates].filter(([path]) => path.startsWith(prefix)).map(([path, date]) => [path.slice(prefix.length), date]));
          return openLocalRepository(name, join(root, name), { ...options, dates: own });
        }),
      );
    },
  };
}
