import type { Problem } from '../problems.ts';

/**
 * The one interface every source implements, so local folders and GitHub go through the
 * same crawl, parse and graph code.
 */

/** Thrown by `readFile` for a path that would leave the repository (e.g. through a symlink). */
export class PathEscapeError extends Error {}

/** Thrown by `readFile` for a file over the size limit; read no further. */
export class FileTooLargeError extends Error {
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(`file is ${size} bytes, over the ${limit}-byte limit (limits.maxFileBytes)`);
    this.size = size;
    this.limit = limit;
  }
}

/** One repository as a source sees it. Paths are repository-relative, POSIX, normalised. */
export interface Repository {
  /** Shown in problems and used in links, e.g. `payments-api` or `acme/payments-api`. */
  name: string;
  /** Where its descriptors start, e.g. `['catalog-info.yaml']`. */
  catalogPaths: readonly string[];
  /** Commit the content was read at, when the source has one. */
  commit?: string;
  /** Text of a file, or undefined when there is none. Throws PathEscapeError or FileTooLargeError. */
  readFile(path: string): Promise<string | undefined>;
  /** Bytes of a file (images and other docs assets), or undefined. Same errors as readFile. */
  readBinary(path: string): Promise<Uint8Array | undefined>;
  /** Names of the entries of a folder (files and sub-folders end in `/`), or undefined. */
  listDirectory(path: string): Promise<string[] | undefined>;
  /** Link to view a file on its host, at a line when given. */
  viewUrl(path: string, line?: number): string | undefined;
  /** Link to edit a file on its host. */
  editUrl(path: string): string | undefined;
  /** ISO date of the last commit that changed a file, when the source knows it. */
  lastModified(path: string): string | undefined;
}

/** A place repositories come from. */
export interface Source {
  /** e.g. `local:./content` or `github:acme`. */
  id: string;
  /** Every repository to crawl, in a stable order. */
  listRepositories(): Promise<Repository[]>;
  /** Problems met while listing (a download that failed, say), filled by listRepositories. */
  problems?: readonly Problem[];
}
