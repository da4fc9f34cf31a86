/** Listing a folder's files: the build lists its output several times after every build. */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInto } from '../test/support/files.ts';
import { listFiles, listSearchStepFiles, walkTree } from './file-trees.ts';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'playbill-file-trees-'));
  for (const file of ['b/index.html', 'a/z/index.html', 'a/index.html', 'index.html', 'node_modules/x/package.json', 'deep/node_modules/y.js', '.git/HEAD', 'c/.git']) {
    await writeInto(root, file, file);
  }
  await symlink('a/index.html', join(root, 'link.html'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the files under a folder', () => {
  it('are every file at any depth, with / separators, sorted; links apart, not followed', () => {
    expect(walkTree(root)).toEqual({
      files: ['.git/HEAD', 'a/index.html', 'a/z/index.html', 'b/index.html', 'c/.git', 'deep/node_modules/y.js', 'index.html', 'node_modules/x/package.json'],
      links: ['link.html'],
    });
  });

  it('leave out the folders asked to be skipped, at any depth, but not files of that name', () => {
    expect(walkTree(root, (name) => name === '.git' || name === 'node_modules').files).toEqual(['a/index.html', 'a/z/index.html', 'b/index.html', 'c/.git', 'index.html']);
  });

  it('are none for a folder that is not there; walking one throws as listing it does', async () => {
    expect(await listFiles(join(root, 'missing'))).toEqual([]);
    expect(await listFiles(join(root, 'index.html'))).toEqual([]);
    expect(() => walkTree(join(root, 'missing'))).toThrow(/ENOENT/);
    expect(await listFiles(join(root, 'a'))).toEqual(['index.html', 'z/index.html']);
  });
});

describe('the files the search step wrote', () => {
  it('are its index and service worker, listed without the rest of the site', async () => {
    const site = join(root, 'site');
    for (const file of ['index.html', 'pagefind/pagefind.js', 'pagefind/index/en_1.pf_index', 'sw.js', 'docs/index.html']) await writeInto(site, file, file);
    expect(await listSearchStepFiles(site)).toEqual(['pagefind/index/en_1.pf_index', 'pagefind/pagefind.js', 'sw.js']);
    await rm(join(site, 'sw.js'));
    await rm(join(site, 'pagefind'), { recursive: true });
    expect(await listSearchStepFiles(site)).toEqual([]);
  });
});
