/**
 * Incremental builds: a rebuild that reuses last build's pages must write exactly what a
 * build from nothing writes, byte for byte, and must actually reuse the unchanged pages.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsPageFile } from '../loaders/quick-rebuild.ts';
import { buildPortal, copyFixturePortal, outputFiles } from './support/build-portal.ts';

let root: string;
let rebuild: { dist: string; log: string };
let fresh: { dist: string; log: string };
let unchanged: { dist: string; log: string };
let unchangedFiles = new Map<string, Buffer>();
let again: { log: string; files: Map<string, Buffer> };
let againFresh = new Map<string, Buffer>();
let reverted: { log: string; files: Map<string, Buffer> };
let revertedFresh = new Map<string, Buffer>();
let storedPages: { entityRef: string; slug: string }[] = [];
let firstHadRetired = false;
let rebuildFiles = new Map<string, Buffer>();
let rebuildFolders: string[] = [];
let viewsAfterFirst: string[] = [];
let viewsAfterRebuild: string[] = [];


/**
 * Pages Astro copied from the last build instead of rendering. Astro renders four pages at a
 * time, so one log line can hold several pages: each copied one is its path, then "(restored)".
 */
const reused = (log: string) => [...log.matchAll(/├─ (\S+) \((?:restored|cached)\)/g)].map((match) => match[1] ?? '');

/**
 * Commits everything under `root` as of `daysAgo` days ago: docs pages show their last
 * commit's date, so every commit below moves the dates of the pages it touches.
 */
async function commit(daysAgo: number): Promise<void> {
  const date = new Date(Date.now() - daysAgo * 24 * 60 * 60 * 1000).toISOString();
  const git = (...args: string[]) => promisify(execFile)('git', ['-C', root, '-c', 'user.name=Playbill tests', '-c', 'user.email=tests@playbill.invalid', ...args], { env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  await git('add', '-A');
  await git('commit', '-q', '--allow-empty', '-m', `${daysAgo} days ago`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'playbill-incremental-'));
  const config = await copyFixturePortal(root);
  await promisify(execFile)('git', ['init', '-q', root]);
  // A repository the second build no longer has: its entity's page must go.
  const retired = join(root, 'site/repos/retired');
  await mkdir(retired);
  await writeFile(join(retired, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: retired-service\nspec:\n  type: service\n  lifecycle: deprecated\n  owner: team\n');
  await commit(10);
  // Through `npm run build`'s script, as CI builds: it links the pages Astro kept into the
  // output folder before Astro runs.
  const first = await buildPortal(config, {}, join(root, 'first'), { script: true });

  viewsAfterFirst = await readdir(join(root, 'first/cache/playbill/api-views'));
  // One docs page edited, one repository removed, the team renamed (pages that show the
  // team's name must change) and its API's definition edited (its view must be made again).
  const setup = join(root, 'site/repos/web/docs/setup.md');
  await writeFile(setup, `${await readFile(setup, 'utf8')}\n\nA sentence added after the first build.\n`);
  await rm(retired, { recursive: true });
  const team = join(root, 'site/repos/team/catalog-info.yaml');
  await writeFile(team, (await readFile(team, 'utf8')).replace('title: The Team', 'title: The Renamed Team').replace('type Query { hello: String }', 'type Query { hello: String, editedField: Int }'));
  firstHadRetired = (await outputFiles(first.dist)).has('catalog/default/component/retired-service/index.html');

  await commit(8);
  // Same cache folder as the first build, a new output folder (as in CI).
  await rm(first.dist, { recursive: true, force: true });
  rebuild = await buildPortal(config, {}, join(root, 'first'), { script: true });
  viewsAfterRebuild = await readdir(join(root, 'first/cache/playbill/api-views'));
  // From nothing, through `npm run build`'s script (index and service worker after Astro exits).
  // As on a new machine outside CI: Astro would print its telemetry notice on a first run.
  fresh = await buildPortal(config, { XDG_CONFIG_HOME: join(root, 'xdg'), CI: undefined }, join(root, 'fresh'), { script: true });
  // The next build writes into the same folder: what the rebuild wrote is read first.
  rebuildFiles = await outputFiles(rebuild.dist);
  rebuildFolders = await readdir(join(rebuild.dist, 'catalog/default/component'));
  await rm(rebuild.dist, { recursive: true, force: true });
  unchanged = await buildPortal(config, {}, join(root, 'first'));
  unchangedFiles = await outputFiles(unchanged.dist);

  // The same page edited once more: few enough pages change that the search index Pagefind
  // began from the last build's pages while Astro built is the one used.
  await writeFile(setup, `${await readFile(setup, 'utf8')}\nAnd a second one, after the rebuild.\n`);
  await commit(5);
  await rm(unchanged.dist, { recursive: true, force: true });
  const second = await buildPortal(config, {}, join(root, 'first'), { script: true });
  again = { log: second.log, files: await outputFiles(second.dist) };
  againFresh = await outputFiles((await buildPortal(config, {}, join(root, 'fresh-again'), { script: true })).dist);
  storedPages = Object.values(JSON.parse(await readFile(join(root, 'first/cache/playbill/last-build/store-entries.json'), 'utf8')).pages);

  // That page back as Astro last rendered it (at the rebuild: the second build wrote it
  // without Astro), and a descriptor edited, so Astro builds: it finds the page's data as it
  // cached it, and must not take the page from the last output.
  await writeFile(setup, (await readFile(setup, 'utf8')).replace('\nAnd a second one, after the rebuild.\n', ''));
  const web = join(root, 'site/repos/web/catalog-info.yaml');
  await writeFile(web, (await readFile(web, 'utf8')).replace('The shop front.', 'The shop front, edited.'));
  await commit(3);
  await rm(second.dist, { recursive: true, force: true });
  const third = await buildPortal(config, {}, join(root, 'first'), { script: true });
  reverted = { log: third.log, files: await outputFiles(third.dist) };
  revertedFresh = await outputFiles((await buildPortal(config, {}, join(root, 'fresh-reverted'), { script: true })).dist);
}, 420_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('incremental rebuild', () => {
  it('reuses the pages whose data did not change', () => {
    const lines = reused(rebuild.log);
    expect(lines.length).toBeGreaterThan(5);
    // Left where the build script linked them, not copied from Astro's cache.
    expect(rebuild.log).toMatch(/├─ \S+ \(cached\)/);
    // An entity with nothing to do with the edits (the API pages now draw their owner, the team, in their graph).
    expect(lines.some((l) => l.includes('/catalog/default/component/shared-name/index.html'))).toBe(true);
    expect(lines.some((l) => l.includes('/docs/default/component/web/index.html'))).toBe(true);
  });

  it('renders again the edited docs page and the pages that name the renamed team', () => {
    const lines = reused(rebuild.log);
    for (const path of ['/docs/default/component/web/setup/', '/catalog/default/component/web/', '/catalog/default/group/team/', '/catalog/default/api/graph/']) {
      expect(lines.filter((l) => l.includes(path)), path).toEqual([]);
    }
  });

  it('writes exactly what a build from nothing writes', async () => {
    const [incremental, scratch] = [rebuildFiles, await outputFiles(fresh.dist)];
    // The removed entity's page was there, and is gone (with its folder), though Astro kept it.
    expect(firstHadRetired).toBe(true);
    expect(incremental.has('catalog/default/component/retired-service/index.html')).toBe(false);
    expect(rebuildFolders).not.toContain('retired-service');
    expect([...incremental.keys()].sort()).toEqual([...scratch.keys()].sort());
    const differing = [...scratch].filter(([path, bytes]) => !incremental.get(path)?.equals(bytes)).map(([path]) => path);
    expect(differing).toEqual([]);
    const setup = incremental.get('docs/default/component/web/setup/index.html')?.toString() ?? '';
    expect(setup).toContain('A sentence added after the first build.');
    expect(incremental.get('catalog/default/component/web/index.html')?.toString()).toContain('The Renamed Team');
    // The edited definition's view was made again, and the old one's file deleted.
    expect(incremental.get('catalog/default/api/graph/index.html')?.toString()).toContain('editedField');
    expect(viewsAfterFirst.length).toBeGreaterThan(1);
    expect(viewsAfterRebuild.filter((name) => !viewsAfterFirst.includes(name))).toHaveLength(1);
    expect(viewsAfterFirst.filter((name) => !viewsAfterRebuild.includes(name))).toHaveLength(1);
    // The index files whose bytes did not change are linked from the last index, not written
    // again; the comparison above shows the result is the from-scratch index, byte for byte.
    const reused = /\[playbill:search\] indexed \d+ pages in \d+ ms[^;\n]*; index (\d+) files \((\d+) of \1 as they were\)/.exec(rebuild.log);
    expect(Number(reused?.[2])).toBeGreaterThan(0);
    expect(Number(reused?.[2])).toBeLessThan(Number(reused?.[1]));
    // The first build read its pages and left their search copy; the rebuild read that copy,
    // with the pages that changed made anew (the comparison above: the same index).
    expect(fresh.log).toMatch(/\[playbill:search\] indexed \d+ pages in \d+ ms \(read the pages, the search copy made for the next build meanwhile\)/);
    expect(rebuild.log).toMatch(/read their search copy, [1-9]\d* made anew in \d+ ms, \d+ of them cut\)/);
  });

  it('writes the search index after Astro exits when built through the build script', () => {
    expect(fresh.log).toMatch(/search index and service worker: written once Astro exits[\s\S]*\[playbill:search\] indexed \d+ pages[\s\S]*\[playbill:offline\] service worker caches/);
    // Playbill's own builds opt out of Astro's telemetry, so there is no notice about it.
    expect(fresh.log).not.toMatch(/telemetry/i);
  });

  it('reuses the search index when no page changed, and writes the same site', async () => {
    expect(unchanged.log).toMatch(/\[playbill:search\] no page changed, index reused/);
    const scratch = await outputFiles(fresh.dist);
    expect([...unchangedFiles.keys()].sort()).toEqual([...scratch.keys()].sort());
    expect([...scratch].filter(([path, bytes]) => !unchangedFiles.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);
  });

  it('builds in full when more than docs text changed, with the content it built to find out', () => {
    expect(rebuild.log).toMatch(/\[playbill:build\] Astro builds the pages: not only docs text changed \(\d+ of \d+ entities, [^;]*\b1 of 2 API definitions[^;]* changed; content built in \d+ ms\)/);
    // The portal was built once (a line per source): the content sync stored the one built to
    // find out, and drew its graphs once.
    expect(rebuild.log.match(/\[playbill:sources\] local:/g)).toHaveLength(2);
    expect(rebuild.log.match(/\[playbill:graphs\] \d+ drawings/g)).toHaveLength(1);
  });

  it('writes only the docs pages whose text alone changed, without Astro, as a build from nothing would', () => {
    expect(again.log).toMatch(/\[playbill:build\] only docs text changed: 1 page written into the last build's output/);
    // The page's date moved with its commit, and shows.
    const dated = /Last updated <time datetime="([^"]+)">/.exec(again.files.get('docs/default/component/web/setup/index.html')?.toString() ?? '');
    expect(dated?.[1]?.slice(0, 10)).toBe(new Date(Date.now() - 5 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10));
    expect(again.log).not.toMatch(/generating static routes/);
    // The entities are as they were, so the graphs are not drawn again.
    expect(again.log).not.toMatch(/\[playbill:graphs\]/);
    // The build log still says what the catalog holds and what is wrong in it.
    expect(again.log).toMatch(/\[playbill:problems\] \d+ errors, \d+ warnings \(see \/catalog\/problems\/\)/);
    expect(again.log).toMatch(/\[playbill:catalog\] \d+ entities from \d+ repositories/);
    expect([...againFresh].filter(([path, bytes]) => !again.files.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);
    // Every stored page's output file is where the rebuild looks for it.
    expect(storedPages.length).toBeGreaterThan(1);
    for (const page of storedPages) expect(again.files.has(docsPageFile(page.entityRef, page.slug)), `${page.entityRef} ${page.slug}`).toBe(true);
  });

  it('builds a page again after a rebuild without Astro wrote it, as a build from nothing would', () => {
    expect(reverted.log).toMatch(/Astro builds the pages: not only docs text changed \(\d+ of \d+ entities changed;/);
    expect(reverted.files.get('docs/default/component/web/setup/index.html')?.toString()).not.toContain('And a second one');
    expect([...reverted.files.keys()].sort()).toEqual([...revertedFresh.keys()].sort());
    expect([...revertedFresh].filter(([path, bytes]) => !reverted.files.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);
  });

  it('finishes the search index begun while Astro built, and writes what a build from nothing writes', () => {
    // Every page but the edited one as Pagefind read it from the last build's, that one read again.
    expect(again.log).toMatch(/\[playbill:search\] indexed (\d+) pages in \d+ ms \((\d+) as read while Astro built, [^)]*1 read again\)/);
    expect(again.files.get('docs/default/component/web/setup/index.html')?.toString()).toContain('And a second one, after the rebuild.');
    expect([...again.files.keys()].sort()).toEqual([...againFresh.keys()].sort());
    expect([...againFresh].filter(([path, bytes]) => !again.files.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);
  });
});
