/**
 * "Nothing changed since the last build": a digest of everything a build reads, so that
 * `npm run build` can put the last build's output back instead of running Astro again.
 *
 * The output of a build is a function of Playbill's own code and dependencies, the config
 * (after environment overrides), the files of every local source (and the git history their
 * dates come from), the commits of a GitHub source's repositories (and its teams and
 * members), the day (scorecards count docs older than 180 days as stale), the last build's
 * scorecard levels (team pages show the change since then), and whatever plugins fetched
 * over the network. The digest covers all but the last; the GitHub part is the crawl state
 * the last build wrote, after GitHub is asked whether it still lists exactly that (one query
 * per 100 repositories), and plugins' data stands as it is only while all of it is fresh.
 * Whenever the last output may not show what a build would show now, there is no digest and
 * the build runs in full, keeping its output under the digest the next build will take.
 */
import { execFile } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { mapInBatches } from './batches.ts';
import { readCacheFile } from './cache-files.ts';
import { cacheLayout } from './cache-layout.ts';
import { pluginDataDue } from './plugins/plugin-cache.ts';
import { fileDigest, fileDigestSync, folderDigests, linkFiles, listFiles, walkTree } from './file-trees.ts';
import type { LoadedConfig } from './config.ts';
import type { GithubSourceOptions } from './sources/github.ts';

/** Playbill's own files whose change changes the output (tests included: cheap, and safe). */
const CODE = ['src', 'loaders', 'public', 'scripts', 'bin', 'astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** Environment variables whose value shapes the output (the rest of `PLAYBILL_*` only steer the build). */
const SHAPING_ENV = ['PLAYBILL_SITE_URL', 'PLAYBILL_SITE_BASE', 'PLAYBILL_ALLOW_REMOVAL'];

/** Secrets decide what plugins and sources may fetch; only whether each is set is part of the digest. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PRIVATE_KEY|API_KEY|APP_ID)$/;

/** One input of a build: what a person calls it, and the digest of its content. */
export type InputPart = [name: string, digest: string];

/**
 * What a full build's output is kept under, known before it runs: the digests of the inputs
 * read before it (`parts`), and the state it reads that it also writes, which `keptDigest`
 * reads once it has run.
 */
export interface KeepKey {
  /** Node.js, Playbill's code, config, arguments, environment, day, each source. */
  parts: InputPart[];
  /** The digest of the last scorecard levels the build compares with, if there are any. */
  levels?: string;
  /** Each GitHub source's crawl state file (the commits the build downloads), by source. */
  crawlStates: InputPart[];
}

/**
 * Whether the last build's output stands for a build now (`digest`, compared with the last
 * build's; `changed` names the inputs that differ from it), or why it cannot; and, whenever
 * the inputs can be read, what this build's output will be kept under (`keep`).
 */
export type Fingerprint = { digest: string; changed?: string[]; keep: KeepKey } | { unavailable: string; keep?: KeepKey };

export interface FingerprintOptions {
  /** Playbill's project folder. */
  root: string;
  cacheDir: string;
  /** Arguments given to `astro build`, without the output folder. */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  now?: Date;
  /** Milliseconds a GitHub retry-after second stands for (tests shorten it). */
  retryUnitMs?: number;
}

/** The digest of every input of a build, or why the last output cannot stand for it. */
export async function buildFingerprint(loaded: LoadedConfig, options: FingerprintOptions): Promise<Fingerprint> {
  const layout = cacheLayout(options.cacheDir);
  let why: string | undefined;
  if (options.args.includes('--force')) why = '--force asks for a build from nothing';
  why ??= await pluginDataDue(layout.plugins, options.now ?? new Date());

  const parts: InputPart[] = [];
  const part = (name: string, ...values: string[]) => {
    const hash = createHash('sha256');
    for (const value of values) hash.update(`${value}\0`);
    parts.push([name, hash.digest('hex')]);
  };
  part('Node.js', process.version);
  const code = createHash('sha256');
  for (const entry of CODE) await hashTree(code, options.root, join(options.root, entry));
  parts.push(['Playbill\'s code and dependencies', code.digest('hex')]);
  part('the config', JSON.stringify([loaded.file, loaded.config, loaded.scorecards]));
  part('the build arguments', JSON.stringify(options.args));
  part(SHAPING_ENV.join(', '), JSON.stringify(SHAPING_ENV.map((name) => options.env[name] ?? null)));
  part('which secrets are set', Object.keys(options.env).filter((name) => SECRET_NAME.test(name) && options.env[name]).sort().join(','));
  part('the day (UTC)', (options.now ?? new Date()).toISOString().slice(0, 10));
  const crawlStates: InputPart[] = [];
  const githubSources: GithubSourceOptions[] = [];
  for (const source of loaded.config.sources) {
    if ('github' in source) {
      const github = { config: source.github, cacheDir: options.cacheDir, env: options.env, ...(options.retryUnitMs !== undefined ? { retryUnitMs: options.retryUnitMs } : {}) };
      // Loaded only for a GitHub source: Octokit takes a while to load.
      crawlStates.push([`the commits crawled from github:${source.github.org}`, (await import('./sources/github.ts')).crawlStateFile(github)]);
      githubSources.push(github);
      part(`github:${source.github.org}`, source.github.apiUrl, source.github.org);
      continue;
    }
    const path = resolve(loaded.root, source.local.path);
    const files = createHash('sha256').update(`${path}\0${await gitState(path)}\0`);
    await hashTree(files, path, path);
    parts.push([`the files of ${source.local.path}`, files.digest('hex')]);
  }
  const levels = await digestIfPresent(layout.scorecardLevels);
  const keep: KeepKey = { parts, ...(levels !== undefined ? { levels } : {}), crawlStates };
  if (why !== undefined) return { unavailable: why, keep };
  const now = await inputParts(keep, levels);
  const digest = digestOfParts(now);
  if ((await readFile(layout.lastInputs, 'utf8').catch(() => '')) !== digest) {
    const last = await readCacheFile(layout.lastInputParts, pairsSchema);
    if (!last) return { digest, keep };
    const before = new Map(last);
    return { digest, changed: now.filter(([name, value]) => before.get(name) !== value).map(([name]) => name), keep };
  }
  // GitHub is asked only when its answer decides: everything else is as the last build's.
  if (githubSources.length > 0) {
    const { githubCrawlCurrent } = await import('./sources/github.ts');
    for (const github of githubSources) {
      const crawl = await githubCrawlCurrent(github);
      if (!crawl.current) return { unavailable: crawl.why, keep };
    }
  }
  return { digest, keep };
}

/**
 * The digest a full build's output is kept under, once the build has run, with its inputs by
 * name: the inputs read before it, the crawl states it wrote (what it downloaded), and the
 * scorecard levels it compared with. A build that had no last levels to compare with shows
 * no change, exactly as the next build shows the same levels compared with the ones this
 * build wrote: its output is kept under those, so the build after a build from nothing need
 * not run in full.
 */
export async function keptDigest(cacheDir: string, keep: KeepKey): Promise<{ digest: string; parts: InputPart[] }> {
  const parts = await inputParts(keep, keep.levels ?? (await digestIfPresent(cacheLayout(cacheDir).scorecardLevels)));
  return { digest: digestOfParts(parts), parts };
}

async function inputParts(keep: KeepKey, levels: string | undefined): Promise<InputPart[]> {
  const parts: InputPart[] = [...keep.parts, ['the last scorecard levels', levels ?? '']];
  for (const [name, file] of keep.crawlStates) parts.push([name, (await digestIfPresent(file)) ?? '']);
  return parts;
}

function digestOfParts(parts: readonly InputPart[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The digest of a file's bytes, if it exists. */
function digestIfPresent(file: string): Promise<string | undefined> {
  return fileDigest(file).catch(() => undefined);
}

/** Every file under a folder (path and bytes) into the hash, in a fixed order; `.git` and `node_modules` skipped. */
async function hashTree(hash: Hash, base: string, path: string): Promise<void> {
  let tree: { files: string[]; links: string[] };
  try {
    tree = walkTree(path, (name) => name === '.git' || name === 'node_modules');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'ENOTDIR') throw error;
    // A single file (astro.config.mjs).
    hash.update(`${relative(base, path)}\0`).update(await readFile(path));
    return;
  }
  const prefix = relative(base, path).split(sep).join('/');
  const inBase = (file: string) => (prefix ? `${prefix}/${file}` : file);
  // A link is part of the digest by where it points (what it points at is hashed where it lies).
  for (const file of tree.links.map(inBase)) hash.update(`${file}\0->${await readlink(join(base, file)).catch(() => '')}\0`);
  const files = tree.files.map(inBase);
  // One file at a time, with blocking reads, in a fixed order: a large source is never all in
  // memory, and each read is a few microseconds of the kernel's, where a round trip through
  // libuv's threads cost more (see Nothing changed in the README's Fast rebuilds).
  for (const file of files) {
    const content = readFileSync(join(base, file));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
}

/** The commit a folder's git history ends at (dates of docs pages come from it); empty outside git. */
async function gitState(path: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', path, 'rev-parse', 'HEAD']);
    return stdout.trim();
  } catch {
    return '';
  }
}

/**
 * What `last-build/` lists, as [name, digest] pairs: the inputs (`inputs.json`), and every
 * kept file with the digest of its bytes (`files.json`: a file changed in place since is
 * noticed; bytes, not modification times, as the cache folder travels through archives, CI
 * caches, that keep times only to the second).
 */
const pairsSchema = z.array(z.tuple([z.string(), z.string()]));

/**
 * Puts the last build's output into `out` when its inputs had this digest and none of its
 * files changed since; false otherwise (then nothing was touched). The digest file is
 * written last and removed first, so an output kept only in part is never used.
 * `onMatch` is called as soon as the digest matches, before the kept files are checked.
 */
export async function restoreLastBuild(cacheDir: string, digest: string, out: string, onMatch?: () => void): Promise<boolean> {
  const { lastOutput, lastOutputFiles, lastInputs } = cacheLayout(cacheDir);
  if ((await readFile(lastInputs, 'utf8').catch(() => '')) !== digest) return false;
  const files = await readCacheFile(lastOutputFiles, pairsSchema);
  if (!files) return false;
  onMatch?.();
  // With blocking reads, one file after another, as the sources' digest is taken.
  const intact = files.every(([file, bytes]) => fileDigestSync(join(lastOutput, file)) === bytes);
  if (!intact) {
    // A kept file changed since: the next full build keeps its output afresh.
    await rm(lastOutputFiles, { force: true });
    return false;
  }
  await rm(out, { recursive: true, force: true });
  await linkFiles(lastOutput, files.map(([file]) => file), out, async () => undefined);
  return true;
}

/** Forgets the last build before a full one starts: its output is about to be replaced. */
export async function forgetLastBuild(cacheDir: string): Promise<void> {
  await rm(cacheLayout(cacheDir).lastInputs, { force: true });
}

/**
 * Keeps a full build's output for the next build. In two steps, so that most of the work
 * overlaps the search index being built: first every file but those `later` names (they are
 * still being written), then, given the digest of the inputs, those files, the list of
 * every file with its digest, and last the digest itself. `listed.files` may give the
 * output's files as they are when it starts, and `listed.laterFiles` list `later`'s files
 * alone, for the second step (the whole output takes 0.3–0.5 s to list at 10,000 docs pages).
 *
 * A kept file whose bytes the new output has too stays as it is; only the others are linked
 * again and those the output no longer has deleted (after one repository's docs changed, a
 * few dozen of 5,484 files rather than all of them twice). That is safe because a restore
 * checks every kept file's digest first, and one that fails that check throws the kept
 * output away. Without the last list (none yet, or a keep cut short), it starts afresh.
 */
export async function keepLastBuild(
  cacheDir: string,
  out: string,
  later: (file: string) => boolean,
  digestOf = folderDigests(out),
  listed: { files?: Promise<readonly string[]>; laterFiles?: () => Promise<string[]> } = {},
): Promise<{ finish(digest: string, parts?: readonly InputPart[]): Promise<void> }> {
  const { lastOutput, lastOutputFiles, lastInputs, lastInputParts, storeEntries, lastStoreEntries } = cacheLayout(cacheDir);
  await forgetLastBuild(cacheDir);
  const previous = new Map(await readCacheFile(lastOutputFiles, pairsSchema));
  // The list goes first: from here until `finish` writes it again, the kept files match no list.
  await rm(lastOutputFiles, { force: true });
  await rm(lastStoreEntries, { force: true });
  if (previous.size === 0) await rm(lastOutput, { recursive: true, force: true });
  const keep = async (files: readonly string[]): Promise<[string, string][]> => {
    const digests = await mapInBatches(files, 64, digestOf);
    const changed = files.filter((file, i) => previous.get(file) !== digests[i]);
    await mapInBatches(changed, 64, (file) => rm(join(lastOutput, file), { force: true }));
    await linkFiles(out, changed, lastOutput, async () => undefined);
    return files.map((file, i): [string, string] => [file, digests[i] ?? '']);
  };
  // `listed` may give the output's files as they are now, and a way to list `later`'s alone.
  const first = await keep((await (listed.files ?? listFiles(out))).filter((file) => !later(file)));
  return {
    async finish(digest: string, parts: readonly InputPart[] = []) {
      const done = new Set(first.map(([file]) => file));
      const rest = await keep((await (listed.laterFiles ?? (() => listFiles(out)))()).filter((file) => !done.has(file)));
      const entries = [...first, ...rest].sort(([a], [b]) => a.localeCompare(b));
      const now = new Set(entries.map(([file]) => file));
      await mapInBatches([...previous.keys()].filter((file) => !now.has(file)), 64, (file) => rm(join(lastOutput, file), { force: true }));
      // What the content store held for this output, for a docs-only rebuild to compare with.
      await rename(storeEntries, lastStoreEntries).catch(() => undefined);
      await writeFile(lastOutputFiles, JSON.stringify(entries));
      await writeFile(lastInputParts, JSON.stringify(parts));
      await writeFile(lastInputs, digest);
    },
  };
}
