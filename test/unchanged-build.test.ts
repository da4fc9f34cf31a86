/**
 * `npm run build` when nothing changed since the last build: the last build's output comes
 * back from the build cache without Astro running, byte for byte what a full build writes;
 * one changed input and the build runs in full again.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheLayout } from '../loaders/cache-layout.ts';
import { buildPortal, copyFixturePortal, outputFiles } from './support/build-portal.ts';

let root: string;
let first: { dist: string; log: string };
let again: { dist: string; log: string };
let edited: { dist: string; log: string };
let afterEdit: { dist: string; log: string };
let afterEditFiles: Map<string, Buffer>;
/** The build after a kept file was changed in the cache since it was kept. */
let repaired: { dist: string; log: string };
let repairedFiles: Map<string, Buffer>;
let editedPage: string;
let firstFiles: Map<string, Buffer>;
let againFiles: Map<string, Buffer>;
/** Astro's content store before and after the build that put the output back. */
let store: { before: string; after: string };


beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'playbill-unchanged-'));
  const config = await copyFixturePortal(root);
  const build = () => buildPortal(config, {}, join(root, 'build'), { script: true });
  // From nothing: no scorecard levels of a last build to compare with, which shows as no change.
  first = await build();
  firstFiles = await outputFiles(first.dist);
  // As in CI: the cache folder kept, the output folder new.
  await rm(first.dist, { recursive: true, force: true });
  const storeFile = join(root, 'build/cache/data-store.json');
  const storeState = async () => `${(await stat(storeFile)).mtimeMs} ${(await readFile(storeFile)).length}`;
  const before = await storeState();
  again = await build();
  store = { before, after: await storeState() };
  // Read now: every build here writes to the same output folder.
  againFiles = await outputFiles(again.dist);
  const setup = join(root, 'site/repos/web/docs/setup.md');
  await writeFile(setup, `${await readFile(setup, 'utf8')}\n\nA sentence added after the restored build.\n`);
  await rm(again.dist, { recursive: true, force: true });
  edited = await build();
  editedPage = await readFile(join(edited.dist, 'docs/default/component/web/setup/index.html'), 'utf8');
  afterEdit = await build();
  afterEditFiles = await outputFiles(afterEdit.dist);
  // A kept page replaced in the cache: the digest of the inputs still matches, the page not.
  const kept = join(cacheLayout(join(root, 'build/cache')).lastOutput, 'index.html');
  await rm(kept);
  await writeFile(kept, '<!doctype html><title>changed in the cache</title>');
  await rm(afterEdit.dist, { recursive: true, force: true });
  repaired = await build();
  repairedFiles = await outputFiles(repaired.dist);
}, 300_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('a build with nothing changed', () => {
  it('keeps a full build\'s output for the next build', () => {
    expect(first.log).toMatch(/\[playbill:build\] output kept in the build cache/);
  });

  it('puts the last output back without running Astro', () => {
    expect(again.log).toMatch(/\[playbill:build\] nothing changed since the last build \(inputs [0-9a-f]{12}\): its output is back in/);
    expect(again.log).not.toMatch(/\[build\]|\[content\]|generating static routes/);
  });

  it('stops Astro, started alongside the check, before it touched its cache', () => {
    expect(store.after).toBe(store.before);
  });

  it('writes exactly what the full build wrote', async () => {
    const restored = againFiles;
    const only = (a: Map<string, Buffer>, b: Map<string, Buffer>) => [...a.keys()].filter((k) => !b.has(k));
    expect({ restoredOnly: only(restored, firstFiles), fullOnly: only(firstFiles, restored) }).toEqual({ restoredOnly: [], fullOnly: [] });
    expect([...firstFiles].filter(([path, bytes]) => !restored.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);
  });

  it('builds again once an input changed, and shows the change', async () => {
    expect(edited.log).not.toMatch(/nothing changed since the last build/);
    expect(edited.log).toMatch(/\[playbill:build\] changed since the last build: the files of \S+\n/);
    // A docs page's text alone: that page is written into the last output, without Astro's build.
    expect(edited.log).toMatch(/\[playbill:build\] only docs text changed: 1 page written/);
    const page = editedPage;
    expect(page).toContain('A sentence added after the restored build.');
  });

  it('builds in full, Astro started again, when a kept file changed after the digest matched', () => {
    expect(repaired.log).not.toMatch(/nothing changed since the last build/);
    expect(repaired.log).toMatch(/generating static routes/);
    expect([...afterEditFiles].filter(([path, bytes]) => !repairedFiles.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);
    expect([...repairedFiles.keys()].filter((path) => !afterEditFiles.has(path))).toEqual([]);
  });

  it('has nothing to do again in the build after that', async () => {
    expect(afterEdit.log).toMatch(/nothing changed since the last build/);
    expect(await readFile(join(afterEdit.dist, 'docs/default/component/web/setup/index.html'), 'utf8')).toContain('A sentence added after the restored build.');
  });
});
