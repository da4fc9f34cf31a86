/**
 * `npm run build`: `astro build` in a child process, then the search index and the service
 * worker in this one, once Astro has exited. Pagefind holds the whole index in memory; run
 * inside Astro's build it adds that to everything Astro still holds (10,000 docs pages:
 * 2.7 GiB together, against 1.6 GiB for the larger of the two alone).
 *
 * Astro is started first, and while it loads its own code, scripts/reuse-last-build.ts
 * compares the digest of every input with the last build's. Astro waits for the verdict
 * before it reads the catalog or writes anything (astro.config.mjs). When nothing changed,
 * Astro is stopped and the last build's output, kept in the build cache, is put back.
 * Otherwise Astro goes ahead, and scripts/prepare-output.ts links the pages Astro kept into
 * the output folder while it crawls, while Pagefind reads the last build's pages
 * (src/integrations/early-index.ts). Arguments go to `astro build` as they are.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { cacheLayout } from '../loaders/cache-layout.ts';
import { folderDigests, listFiles, listSearchStepFiles, parseDigestList, untilFileExists, writtenBySearchStep } from '../loaders/file-trees.ts';
import { stdoutLogger } from '../loaders/logger.ts';
import type { KeepKey } from '../loaders/build-fingerprint.ts';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
// Lines in Astro's format, labelled with the stage that wrote them.
const loggerFor = (stage: string) => stdoutLogger(`playbill:${stage}`);
const log = loggerFor('build');

/**
 * V8 lets a heap grow to a multiple of what survived its last full collection, chosen from how
 * fast the program allocates; at the start of page generation (Vite's bundle, the content
 * store loaded again) Astro's heap grew to 700 MiB with 180 MiB alive. Growing by half at most
 * keeps the build's peak lower: 1,088–1,134 MiB against 1,196–1,300 at 1,231 docs pages,
 * 1,176–1,341 against 1,351–1,607 in Astro at 10,000 (cold builds, alternating, five and
 * three of each). The cost is more collections: page generation 7.8 → 9.1 s at 1,231 pages
 * (medians; the whole cold build 24.7 → 25.2 s, within its noise), none measurable at
 * 10,000. The flag is V8's, so it holds for the whole process, the docs render threads too.
 */
const ASTRO_HEAP_GROWTH = '--heap-growing-percent=50';

/**
 * Inputs after whose change Astro writes every page anew: the search index is then better
 * begun once Astro has exited than from the last build's pages while it runs.
 */
const REWRITES_EVERY_PAGE = /^(Node\.js|Playbill's code|the config|the build arguments)/;

/**
 * Inputs whose change alone may leave every page but some docs pages as they were: local
 * sources' files (a GitHub source's change has no digest here: its crawl decides), and the
 * scorecard levels the last build compared with. Then a rebuild without Astro is tried first.
 */
const ONLY_SOURCES_CHANGED = /^(the files of |the last scorecard levels$)/;

/** Where Astro will write and cache: `--outDir` and PLAYBILL_CACHE_DIR as astro.config.mjs reads them. */
function buildFolders(): { out: string; cacheDir: string; rest: string[] } {
  const rest: string[] = [];
  let out = 'dist';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--outDir') out = args[++i] ?? out;
    else if (arg.startsWith('--outDir=')) out = arg.slice('--outDir='.length);
    else rest.push(arg);
  }
  return { out: resolve(out), cacheDir: resolve(process.env['PLAYBILL_CACHE_DIR'] ?? 'node_modules/.astro'), rest };
}

/** What scripts/reuse-last-build.ts found. */
interface Reuse {
  restored: boolean;
  digest?: string;
  /** The inputs that differ from the last kept build's, by name. */
  changed?: string[];
  unavailable?: string;
  /** What a full build's output is kept under (loaders/build-fingerprint.ts). */
  keep?: KeepKey;
}

/** Its last line of JSON (read without zod: this process stays small while Astro runs). */
function parseReuse(text: string): Reuse {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || !('restored' in value) || typeof value.restored !== 'boolean') {
    throw new Error(`scripts/reuse-last-build.ts printed something unexpected: ${text.slice(0, 200)}`);
  }
  const digest = 'digest' in value && typeof value.digest === 'string' ? value.digest : undefined;
  const unavailable = 'unavailable' in value && typeof value.unavailable === 'string' ? value.unavailable : undefined;
  const keep = 'keep' in value ? keepKey(value.keep) : undefined;
  const changed = 'changed' in value && Array.isArray(value.changed) ? value.changed.filter((c): c is string => typeof c === 'string') : undefined;
  return { restored: value.restored, ...(digest ? { digest } : {}), ...(changed ? { changed } : {}), ...(unavailable ? { unavailable } : {}), ...(keep ? { keep } : {}) };
}

function keepKey(value: unknown): KeepKey | undefined {
  const pairs = (list: unknown): list is [string, string][] => Array.isArray(list) && list.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string'));
  if (typeof value !== 'object' || value === null || !('parts' in value) || !pairs(value.parts)) return undefined;
  if (!('crawlStates' in value) || !pairs(value.crawlStates)) return undefined;
  const levels = 'levels' in value && typeof value.levels === 'string' ? value.levels : undefined;
  return { parts: value.parts, crawlStates: value.crawlStates, ...(levels ? { levels } : {}) };
}

const folders = buildFolders();
const dir = await mkdtemp(join(tmpdir(), 'playbill-build-'));
const files = { finish: join(dir, 'finish.json'), prepared: join(dir, 'prepared.json'), start: join(dir, 'start') };
let astro = startAstro();
try {
  const started = Date.now();
  let stopping: Promise<void> | undefined;
  const reuse = await checkReuse(() => (stopping = stopAstro(astro.child))).catch(async (error: unknown): Promise<Reuse> => {
    // Reusing the last output only saves time: whatever went wrong, build in full, and
    // forget the kept output (the full build writes over files it may share).
    await rm(cacheLayout(folders.cacheDir).lastInputs, { force: true }).catch(() => undefined);
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { restored: false, unavailable: `the check failed (${why})` };
  });
  if (reuse.restored) {
    await (stopping ?? stopAstro(astro.child));
    log.info(`nothing changed since the last build (inputs ${reuse.digest?.slice(0, 12)}): its output is back in ${relative(process.cwd(), folders.out) || '.'} in ${Date.now() - started} ms`);
  } else {
    if (reuse.unavailable) log.info(`every page is built, as the last build's output cannot be reused: ${reuse.unavailable}`);
    else if (reuse.changed?.length) log.info(`changed since the last build: ${reuse.changed.join('; ')}`);
    // The digest matched but a kept file had changed since: Astro was stopped too early.
    if (stopping) {
      await stopping;
      astro = startAstro();
    }
    if (reuse.changed?.length && reuse.changed.every((name) => ONLY_SOURCES_CHANGED.test(name))) await quickRebuild(reuse);
    else await fullBuild(reuse, astro.exited);
  }
} catch (error) {
  process.stderr.write(`playbill build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  // Never leave Astro waiting for a verdict that will not come.
  await stopAstro(astro.child);
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs scripts/reuse-last-build.ts and returns its verdict; calls `onMatch` as soon as it
 * says the inputs' digest matches the kept output's, before it checks and restores the files.
 */
async function checkReuse(onMatch: () => void): Promise<Reuse> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/reuse-last-build.ts'), folders.out, folders.cacheDir, ...folders.rest], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errors = '';
  let matched = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (!matched && out.startsWith(`${JSON.stringify({ match: true })}\n`)) {
      matched = true;
      onMatch();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`it exited with code ${code}: ${errors.trim().split('\n')[0] ?? ''}`);
  return parseReuse(out.trim().split('\n').at(-1) ?? '');
}

/**
 * Starts `astro build`. It loads its code and then waits (astro.config.mjs) until
 * `files.start` exists: the go-ahead this script gives once it knows a full build is needed.
 * Loading Astro's code overlaps the reuse check: 0.5 s to 1.5 s less for every full build.
 */
function startAstro(): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [ASTRO_HEAP_GROWTH, join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', ...args], {
    cwd: process.cwd(),
    stdio: 'inherit',
    // Playbill's own builds send Astro no telemetry (and print no notice about it).
    env: { ASTRO_TELEMETRY_DISABLED: '1', ...process.env, PLAYBILL_START_FILE: files.start, PLAYBILL_FINISH_FILE: files.finish, PLAYBILL_OUT_PREPARED: files.prepared },
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  exited.catch(() => undefined);
  return { child, exited };
}

/** Stops Astro if it still runs (it has written nothing while it waited for the go-ahead). */
async function stopAstro(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  await closed;
}

/**
 * Prepares the output folder (scripts/prepare-output.ts) while Astro starts. Whatever
 * happens to that process, the list Astro's integration waits for gets written.
 */
async function prepareOutput(listFile: string, kept = false): Promise<void> {
  const why = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/prepare-output.ts'), folders.out, folders.cacheDir, listFile, ...(kept ? ['--kept'] : [])]).then(
    () => '',
    (error: unknown) => (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)),
  );
  if (why && !(await readFile(listFile, 'utf8').then(() => true, () => false))) await writeFile(listFile, JSON.stringify({ error: why }));
}

/**
 * Asks Astro to build the portal's content first and, when only docs pages' text changed,
 * to write the output from the last build's without building pages (src/integrations/
 * quick-rebuild.ts): then runs the search step and keeps the output. Else Astro builds as
 * usual, with the content it built. Meanwhile Pagefind reads the last build's search copy,
 * and scripts/prepare-output.ts links the kept output into the output folder (one-repository
 * docs rebuilds at 1,231 docs pages, alternating with Astro's process linking it: medians
 * 6.4 s against 7.0 s over eight pairs, the content's build 1.7–3.1 s against 2.9–3.3 s).
 */
async function quickRebuild(reuse: Reuse): Promise<void> {
  const resultFile = join(dir, 'quick.json');
  const linkedFile = join(dir, 'linked.json');
  await goAhead({ tryQuick: { out: folders.out, cacheDir: folders.cacheDir, resultFile, linkedFile } });
  // The kept output is linked into the output folder on the other core while Astro's
  // process builds the content (it writes the pages that changed once this is done).
  const linking = prepareOutput(linkedFile, true);
  // At the lowest priority here too: at its own it slowed the content's build, which Astro's
  // build waits for when more than docs text changed (a descriptor edited at 1,231 docs pages:
  // 10.0–10.8 s against 8.3–10.8 s for the code before, alternating; lowest, 8.5–11.3 s against 8.7–10.7 s).
  const early = await startEarlyIndex(reuse);
  const exited = astro.exited;
  const answered = await Promise.race([untilFileExists(resultFile, 10, () => undefined).then(() => true), exited.then(() => false)]);
  const result = answered ? quickResult(await readFile(resultFile, 'utf8')) : undefined;
  // The full build prepares the output folder anew: not while the kept output is linked into it.
  await linking;
  if (!result || 'why' in result) {
    if (result) log.info(`Astro builds the pages: not only docs text changed (${result.why}; content built in ${result.ms} ms)`);
    await fullBuild(reuse, exited, early, false);
    return;
  }
  const code = await exited;
  if (code !== 0) throw new Error(`Astro exited with code ${code} after writing the docs pages`);
  const pages = result.written.length;
  log.info(`only docs text changed: ${pages} page${pages === 1 ? '' : 's'} written into the last build's output without building the others (content built in ${result.ms} ms)`);
  await finishBuild(reuse, result.options, early, await keptDigests(result.written));
}

/**
 * The output's digests after a docs-only rebuild: every file but those it wrote anew is the
 * kept file, unchanged since it was listed with its digest (the rebuild checked), so only
 * those are read and hashed (at 10,000 docs pages all of them took 1.2 s).
 */
async function keptDigests(written: readonly string[]): Promise<(file: string) => Promise<string>> {
  const computed = folderDigests(folders.out);
  // Unreadable, every file is read and hashed as after any build.
  const known = await readFile(cacheLayout(folders.cacheDir).lastOutputFiles, 'utf8').then(parseDigestList).catch(() => new Map<string, string>());
  for (const file of [...known.keys()]) if (writtenBySearchStep(file)) known.delete(file);
  for (const file of written) known.delete(file);
  return (file) => {
    const digest = known.get(file);
    return digest === undefined ? computed(file) : Promise.resolve(digest);
  };
}

/** The quick rebuild's answer (read without zod: this process stays small while Astro runs). */
function quickResult(text: string): { why: string; ms: number } | { written: string[]; ms: number; options: unknown } {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || !('ms' in value) || typeof value.ms !== 'number') throw new Error(`the quick rebuild answered something unexpected: ${text.slice(0, 200)}`);
  if ('why' in value) return { why: String(value.why), ms: value.ms };
  const written = 'written' in value && Array.isArray(value.written) ? value.written.filter((file): file is string => typeof file === 'string') : undefined;
  if (written && 'options' in value) return { written, ms: value.ms, options: value.options };
  throw new Error(`the quick rebuild answered something unexpected: ${text.slice(0, 200)}`);
}

/** Lets Astro go on past astro.config.mjs (src/integrations/go-ahead.ts), with what it is asked. */
async function goAhead(request: object = {}): Promise<void> {
  await writeFile(`${files.start}.part`, Object.keys(request).length > 0 ? JSON.stringify(request) : '');
  await rename(`${files.start}.part`, files.start);
}

/** The search index, begun from the last build's pages while the pages are built, if it can be. */
async function startEarlyIndex(reuse: Reuse) {
  const wanted = !reuse.unavailable?.startsWith('--force') && !reuse.changed?.some((name) => REWRITES_EVERY_PAGE.test(name));
  const module = wanted ? await import('../src/integrations/early-index.ts') : undefined;
  const early = module?.startEarlyIndex(folders.cacheDir);
  return module ? { module, early } : undefined;
}
type EarlyIndex = Awaited<ReturnType<typeof startEarlyIndex>>;

async function fullBuild(reuse: Reuse, astroExited: Promise<number | null>, begun?: EarlyIndex, needsGoAhead = true): Promise<void> {
  const preparing = prepareOutput(files.prepared);
  if (needsGoAhead) await goAhead();
  // The search index begins from the last build's pages on the core Astro leaves idle.
  const early = begun ?? (await startEarlyIndex(reuse));
  const code = await astroExited;
  await preparing;
  if (code !== 0) {
    if (early) await (await import('pagefind')).close();
    process.exitCode = code ?? 1;
    return;
  }
  await finishBuild(reuse, JSON.parse(await readFile(files.finish, 'utf8')), early);
}

/** After the pages: the search index and service worker, and the output kept for the next build. */
async function finishBuild(reuse: Reuse, finish: unknown, begun: EarlyIndex, digests?: (file: string) => Promise<string>): Promise<void> {
  const key = reuse.keep;
  // Imported only now: loaded before, it sat in this process's memory the whole time Astro
  // ran, adding to the build's peak (about 40 MiB with Pagefind's module, which the early
  // index, when there is one, loads anyway).
  const { finishOptionsSchema, finishSite } = await import('../src/integrations/search-and-offline.ts');
  const options = finishOptionsSchema.parse(finish);
  const earlyIndex = begun?.module;
  const early = begun?.early;
  const keep = key !== undefined && resolve(options.out) === folders.out && resolve(options.cacheDir) === folders.cacheDir;
  if (key !== undefined && !keep) log.info(`output not kept for the next build: Astro wrote to ${options.out} (cache ${options.cacheDir}), not where this script looks`);
  // Kept while Pagefind indexes (in its own process): every file but the index and the
  // service worker, which are written now, is final once Astro has exited.
  // Both want every page's digest: each page is read and hashed once.
  const digestOf = digests ?? folderDigests(options.out);
  // Planned before the kept output, which the early index read, is replaced by this build's.
  // Listed once for every step (0.3–0.5 s at 10,000 docs pages, blocking), before the search step adds its files.
  const files = listFiles(options.out);
  const plan = early && earlyIndex && resolve(options.cacheDir) === folders.cacheDir ? await earlyIndex.planEarlyIndex(early, options.out, digestOf, files) : undefined;
  const fingerprints = keep ? import('../loaders/build-fingerprint.ts') : undefined;
  const keeping = fingerprints?.then(({ keepLastBuild }) => keepLastBuild(options.cacheDir, options.out, writtenBySearchStep, digestOf, { files, laterFiles: () => listSearchStepFiles(options.out) }));
  // Once the output is kept, this process waits for Pagefind, whose index building sets the
  // peak of a large build (1.26 GB of its own at 10,000 docs pages): what reading and hashing
  // every page left in this process's memory goes back first (about 80 MiB at that size).
  const released = keeping?.then(async (kept) => {
    (await import('../loaders/release-heap.ts')).releaseHeap();
    return kept;
  });
  const started = Date.now();
  const [, kept] = await Promise.all([finishSite(options, loggerFor, digestOf, plan, files), released]);
  log.info(`search index and service worker written in ${Date.now() - started} ms`);
  if (!kept || !fingerprints || key === undefined) return;
  const finishing = Date.now();
  const { digest, parts } = await (await fingerprints).keptDigest(options.cacheDir, key);
  await kept.finish(digest, parts);
  log.info(`output kept in the build cache for a build with the same inputs (${Date.now() - started} ms with the search index, ${Date.now() - finishing} ms after it)`);
}
