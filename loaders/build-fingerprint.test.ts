import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFingerprint, forgetLastBuild, keepLastBuild, keptDigest, restoreLastBuild, type Fingerprint } from './build-fingerprint.ts';
import { cacheLayout } from './cache-layout.ts';
import { folderDigests } from './file-trees.ts';
import { loadConfig, type LoadedConfig } from './config.ts';
import { writeInto } from '../test/support/files.ts';

let dir: string;
const write = (path: string, text: string) => writeInto(dir, path, text);
const outputFiles = async (folder: string) =>
  (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(folder.length + 1));
const digestOf = (f: Fingerprint) => ('digest' in f ? f.digest : `unavailable: ${f.unavailable}`);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'playbill-fingerprint-'));
  // A project (its code), a config with one local source, and that source's repositories.
  await write('project/src/pages/index.astro', '<h1>Portal</h1>');
  await write('project/package-lock.json', '{}');
  await write('site/playbill.config.yaml', 'site:\n  title: Test\nsources:\n  - local:\n      path: ./repos\n');
  await write('site/repos/web/catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n');
  await write('site/repos/web/docs/index.md', '# Web\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const config = () => loadConfig(join(dir, 'site/playbill.config.yaml'));
const fingerprintOf = (loaded: LoadedConfig = config(), more: { args?: string[]; env?: NodeJS.ProcessEnv; now?: Date } = {}) =>
  buildFingerprint(loaded, { root: join(dir, 'project'), cacheDir: join(dir, 'cache'), args: more.args ?? [], env: more.env ?? {}, now: more.now ?? new Date('2026-11-30T12:00:00Z') });
const fingerprint = (loaded: LoadedConfig = config(), more: { env?: NodeJS.ProcessEnv; now?: Date } = {}) => fingerprintOf(loaded, more).then(digestOf);

describe('the digest of a build\'s inputs', () => {
  it('is the same for the same inputs, and changes with every input that shapes the output', async () => {
    const before = await fingerprint();
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(await fingerprint()).toBe(before);

    const changes: [string, () => Promise<string>][] = [
      ['a docs page', async () => { await write('site/repos/web/docs/index.md', '# Web!\n'); return fingerprint(); }],
      ['a new file in a repository', async () => { await write('site/repos/web/docs/new.md', '# New\n'); return fingerprint(); }],
      ['Playbill\'s code', async () => { await write('project/src/pages/index.astro', '<h1>Portal!</h1>'); return fingerprint(); }],
      ['Playbill\'s dependencies', async () => { await write('project/package-lock.json', '{"v":2}'); return fingerprint(); }],
      ['the config', async () => { await write('site/playbill.config.yaml', 'site:\n  title: Other\nsources:\n  - local:\n      path: ./repos\n'); return fingerprint(); }],
      ['the base path from the environment', () => fingerprint(config(), { env: { PLAYBILL_SITE_BASE: '/portal/' } })],
      ['a token becoming available', () => fingerprint(config(), { env: { GITHUB_TOKEN: 'x' } })],
      ['the day', () => fingerprint(config(), { now: new Date('2026-12-01T00:00:01Z') })],
      ['the last build\'s scorecard levels', async () => { await write('cache/playbill/scorecard-levels.json', '{"a":1}'); return fingerprint(); }],
      ['a link in a repository', async () => { await symlink('index.md', join(dir, 'site/repos/web/docs/home.md')); return fingerprint(); }],
      ['where that link points', async () => { await rm(join(dir, 'site/repos/web/docs/home.md')); await symlink('new.md', join(dir, 'site/repos/web/docs/home.md')); return fingerprint(); }],
    ];
    const seen = new Set([before]);
    for (const [what, change] of changes) {
      const after = await change();
      expect(seen.has(after), `${what} must change the digest`).toBe(false);
      seen.add(after);
    }
  });

  it('does not depend on a token\'s value, nor on variables Playbill does not read', async () => {
    const one = await fingerprint(config(), { env: { GITHUB_TOKEN: 'one', GITHUB_RUN_ID: '1' } });
    expect(await fingerprint(config(), { env: { GITHUB_TOKEN: 'two', GITHUB_RUN_ID: '2' } })).toBe(one);
  });

  it('keeps a full build\'s output under the digest the next build takes: from nothing, with the levels it wrote', async () => {
    const levels = cacheLayout(join(dir, 'cache')).scorecardLevels.slice(dir.length + 1);
    const first = await fingerprintOf();
    if (!first.keep || first.keep.levels !== undefined) throw new Error(`expected a key without levels, not ${JSON.stringify(first)}`);
    // The build writes its levels; its output is kept under the digest that reads them.
    await write(levels, '{"version":2,"results":{}}');
    const kept = (await keptDigest(join(dir, 'cache'), first.keep)).digest;
    expect(await fingerprint()).toBe(kept);
    // A build that compared with last levels keeps its output under those: once they change
    // (team pages then show the change), the next build runs in full.
    const second = await fingerprintOf();
    if (!second.keep) throw new Error('expected a key');
    await write(levels, '{"version":2,"results":{"x":{"level":"gold","failing":[]}}}');
    expect((await keptDigest(join(dir, 'cache'), second.keep)).digest).toBe(kept);
    expect(await fingerprint()).not.toBe(kept);
  });

  it('names the inputs that changed since the last kept build', async () => {
    const first = await fingerprintOf();
    if (!first.keep) throw new Error('expected a key');
    await write('dist/index.html', '<h1>Portal</h1>');
    const { digest, parts } = await keptDigest(join(dir, 'cache'), first.keep);
    await (await keepLastBuild(join(dir, 'cache'), join(dir, 'dist'), () => false)).finish(digest, parts);
    expect(await fingerprintOf()).toMatchObject({ digest });
    await write('site/repos/web/docs/index.md', '# Web, edited\n');
    await write('project/src/pages/index.astro', '<h1>Portal, edited</h1>');
    const edited = await fingerprintOf(config(), { now: new Date('2026-12-01T00:00:00Z') });
    expect(edited).toMatchObject({ changed: ['Playbill\'s code and dependencies', 'the day (UTC)', 'the files of ./repos'] });
  });

  it('is unavailable with --force or plugins due, and keeps that build\'s output all the same', async () => {
    const forced = await fingerprintOf(config(), { args: ['--force'] });
    expect(forced).toMatchObject({ unavailable: '--force asks for a build from nothing', keep: { parts: expect.arrayContaining([['the build arguments', expect.stringMatching(/^[0-9a-f]{64}$/)]]), crawlStates: [] } });
    await write(cacheLayout(join(dir, 'cache')).plugins.slice(dir.length + 1), JSON.stringify({ version: 1, plugins: {}, etags: {}, refreshAt: '2026-11-30T11:59:00.000Z' }));
    expect(await fingerprintOf()).toMatchObject({ unavailable: expect.stringMatching(/^plugins fetch again/), keep: { crawlStates: [] } });
  });


  it('stands while the plugins\' data is fresh, and is unavailable once a build would fetch again', async () => {
    const plugins = cacheLayout(join(dir, 'cache')).plugins.slice(dir.length + 1);
    const cached = (refreshAt?: string) => JSON.stringify({ version: 1, plugins: { 'github-actions': { 'component:default/web': { key: 'k', fetchedAt: '2026-11-30T11:30:00Z', data: {} } } }, etags: {}, ...(refreshAt ? { refreshAt } : {}) });
    const none = await fingerprint();
    await write(plugins, JSON.stringify({ version: 1, plugins: { 'github-actions': {} }, etags: {} }));
    expect(await fingerprint()).toBe(none);
    // Fresh until 12:30; the digest does not hold the data (the last build's fetch may follow it).
    await write(plugins, cached('2026-11-30T12:30:00.000Z'));
    expect(await fingerprint()).toBe(none);
    expect(await fingerprint(config(), { now: new Date('2026-11-30T12:30:00Z') })).toBe('unavailable: plugins fetch again what they showed (due 2026-11-30 12:30 UTC)');
    // A fetch that failed is tried again by the next build.
    await write(plugins, JSON.stringify({ version: 1, plugins: {}, etags: {}, refreshAt: '2026-11-30T11:59:00.000Z' }));
    expect(await fingerprint()).toMatch(/^unavailable: plugins fetch again/);
    await write(plugins, cached());
    expect(await fingerprint()).toBe('unavailable: the plugins\' cache does not say until when its data is fresh');
    await write(plugins, '{ not json');
    expect(await fingerprint()).toBe('unavailable: the plugins\' cache cannot be read');
  });

  it('asks GitHub about a GitHub source only when everything else is as the last build\'s', async () => {
    await write('site/playbill.config.yaml', 'site:\n  title: Test\nsources:\n  - github:\n      org: acme\n      apiUrl: http://127.0.0.1:9/\n');
    // No output kept: a full build follows whatever GitHub says, so it is not asked.
    const digest = await fingerprint();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    // The same digest kept: now GitHub decides (the exchanges are tested in sources/github.test.ts).
    await write(cacheLayout(join(dir, 'cache')).lastInputs.slice(dir.length + 1), digest);
    expect(await fingerprint()).toBe('unavailable: the last crawl of github:acme did not get everything it listed');
  });
});

describe('the last build\'s output', () => {
  const cacheDir = () => join(dir, 'cache');
  const out = () => join(dir, 'dist');
  beforeEach(async () => {
    await write('dist/index.html', '<h1>one</h1>');
    await write('dist/docs/a/index.html', '<h1>a</h1>');
    await write('dist/_astro/app.js', 'console.log(1)');
    await (await keepLastBuild(cacheDir(), out(), () => false)).finish('d1');
    await rm(out(), { recursive: true });
  });

  it('comes back, file for file, for the same digest only', async () => {
    const matched: string[] = [];
    expect(await restoreLastBuild(cacheDir(), 'd2', out(), () => matched.push('d2'))).toBe(false);
    expect(await restoreLastBuild(cacheDir(), 'd1', out(), () => matched.push('d1'))).toBe(true);
    // Said as soon as the digest matched, so the build script can stop the Astro it started.
    expect(matched).toEqual(['d1']);
    expect(await readFile(join(out(), 'docs/a/index.html'), 'utf8')).toBe('<h1>a</h1>');
    expect(await readFile(join(out(), '_astro/app.js'), 'utf8')).toBe('console.log(1)');
  });

  it('keeps in two steps the files still being written when keeping starts', async () => {
    await write('dist2/index.html', '<h1>page</h1>');
    const keeping = await keepLastBuild(cacheDir(), join(dir, 'dist2'), (file) => file.startsWith('pagefind/'));
    // Written after the first step, as the search index is.
    await write('dist2/pagefind/index.js', 'index');
    await keeping.finish('d3');
    expect(await restoreLastBuild(cacheDir(), 'd3', out())).toBe(true);
    expect(await readFile(join(out(), 'pagefind/index.js'), 'utf8')).toBe('index');
    expect(await readFile(join(out(), 'index.html'), 'utf8')).toBe('<h1>page</h1>');
  });

  it('takes each file\'s digest from the function it is given, so the search step can share one pass', async () => {
    await write('dist2/index.html', '<h1>page</h1>');
    await write('dist2/docs/a/index.html', '<h1>a</h1>');
    const digests = folderDigests(join(dir, 'dist2'));
    // The search step asks first, then the page changes on disk: the shared digest is the one
    // kept, as it was read once, and the restore check sees the change.
    const asked: string[] = [];
    const early = await digests('index.html');
    await writeFile(join(dir, 'dist2/index.html'), '<h1>changed</h1>');
    const keeping = await keepLastBuild(cacheDir(), join(dir, 'dist2'), () => false, (file) => (asked.push(file), digests(file)));
    await keeping.finish('d4');
    expect(asked.sort()).toEqual(['docs/a/index.html', 'index.html']);
    const files = JSON.parse(await readFile(cacheLayout(cacheDir()).lastOutputFiles, 'utf8')) as [string, string][];
    expect(files).toContainEqual(['index.html', early]);
    expect(early).toBe(createHash('sha256').update('<h1>page</h1>').digest('base64url'));
    // The digest matches, then a kept file fails its check: said to match, and not restored.
    let matched = false;
    expect(await restoreLastBuild(cacheDir(), 'd4', out(), () => (matched = true))).toBe(false);
    expect(matched).toBe(true);
  });

  it('links again only the files that changed, and drops those the output no longer has', async () => {
    const kept = (file: string) => join(cacheLayout(cacheDir()).lastOutput, file);
    await write('dist/index.html', '<h1>one</h1>');
    await write('dist/docs/a/index.html', '<h1>a</h1>');
    await write('dist/_astro/app.js', 'console.log(1)');
    await (await keepLastBuild(cacheDir(), out(), () => false)).finish('d1');
    const before = (await stat(kept('_astro/app.js'))).ino;
    // The next full build writes every file anew (new inodes); one changed, one went, one came.
    await rm(out(), { recursive: true });
    await write('dist/index.html', '<h1>two</h1>');
    await write('dist/_astro/app.js', 'console.log(1)');
    await write('dist/docs/b/index.html', '<h1>b</h1>');
    await (await keepLastBuild(cacheDir(), out(), () => false)).finish('d2');
    expect((await stat(kept('_astro/app.js'))).ino).toBe(before);
    await expect(stat(kept('docs/a/index.html'))).rejects.toThrow();
    await rm(out(), { recursive: true });
    expect(await restoreLastBuild(cacheDir(), 'd2', out())).toBe(true);
    expect((await outputFiles(out())).sort()).toEqual(['_astro/app.js', 'docs/b/index.html', 'index.html']);
    expect(await readFile(join(out(), 'index.html'), 'utf8')).toBe('<h1>two</h1>');
  });

  it('starts afresh after a kept file was found changed', async () => {
    const kept = join(cacheLayout(cacheDir()).lastOutput, 'index.html');
    await writeFile(kept, '<h1>tampered</h1>');
    expect(await restoreLastBuild(cacheDir(), 'd1', join(dir, 'elsewhere'))).toBe(false);
    // The same output kept again: the tampered file is replaced, though its listed digest matched.
    await write('dist/index.html', '<h1>one</h1>');
    await write('dist/docs/a/index.html', '<h1>a</h1>');
    await write('dist/_astro/app.js', 'console.log(1)');
    await (await keepLastBuild(cacheDir(), out(), () => false)).finish('d1');
    expect(await readFile(kept, 'utf8')).toBe('<h1>one</h1>');
    expect(await restoreLastBuild(cacheDir(), 'd1', join(dir, 'elsewhere'))).toBe(true);
  });

  it('replaces whatever the output folder held', async () => {
    await write('dist/stale.html', 'old');
    expect(await restoreLastBuild(cacheDir(), 'd1', out())).toBe(true);
    await expect(readFile(join(out(), 'stale.html'))).rejects.toThrow();
  });

  it('is not used once a full build has started, or when a kept file changed since', async () => {
    expect(await restoreLastBuild(cacheDir(), 'd1', out())).toBe(true);
    // The restored files may share their storage with the kept ones: a change in place shows,
    // even one that keeps the size.
    await writeFile(join(out(), 'index.html'), '<h1>two</h1>');
    expect(await restoreLastBuild(cacheDir(), 'd1', join(dir, 'elsewhere'))).toBe(false);

    await (await keepLastBuild(cacheDir(), out(), () => false)).finish('d1');
    await forgetLastBuild(cacheDir());
    expect(await restoreLastBuild(cacheDir(), 'd1', join(dir, 'elsewhere'))).toBe(false);

    // A list of kept files that cannot be read: not used, and no error.
    await (await keepLastBuild(cacheDir(), out(), () => false)).finish('d1');
    await writeFile(cacheLayout(cacheDir()).lastOutputFiles, '[["index.html"');
    expect(await restoreLastBuild(cacheDir(), 'd1', join(dir, 'elsewhere'))).toBe(false);
  });
});
