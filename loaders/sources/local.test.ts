import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitLastModified, localSource } from './local.ts';
import { PathEscapeError } from './source.ts';

describe('local source', () => {
  let root: string;
  const git = (args: string[], date: string) =>
    execFileSync('git', args, {
      cwd: root,
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'playbill-local-'));
    await mkdir(join(root, 'alpha/docs'), { recursive: true });
    await mkdir(join(root, 'beta'));
    await mkdir(join(root, '.hidden'));
    await writeFile(join(root, 'alpha/catalog-info.yaml'), 'a: 1\n');
    await writeFile(join(root, 'beta/catalog-info.yaml'), 'b: 1\n');
    git(['init', '-q'], '2026-01-01T00:00:00Z');
    git(['add', '.'], '2026-01-01T00:00:00Z');
    git(['commit', '-qm', 'first'], '2026-01-01T00:00:00Z');
    await writeFile(join(root, 'alpha/docs/index.md'), '# Hi\n');
    git(['add', '.'], '2026-03-04T05:06:07Z');
    git(['commit', '-qm', 'second'], '2026-03-04T05:06:07Z');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('lists one repository per visible folder, sorted', async () => {
    const repos = await localSource({ path: root }).listRepositories();
    expect(repos.map((r) => r.name)).toEqual(['alpha', 'beta']);
  });

  it('knows when each file last changed, from one git log', async () => {
    const dates = await gitLastModified(root);
    expect(dates.get('alpha/catalog-info.yaml')).toMatch(/^2026-01-01T00:00:00/);
    expect(dates.get('alpha/docs/index.md')).toMatch(/^2026-03-04T05:06:07/);
    const [alpha] = await localSource({ path: root }).listRepositories();
    expect(alpha?.lastModified('docs/index.md')).toMatch(/^2026-03-04/);
  });

  it('has no dates outside a git work tree', async () => {
    expect((await gitLastModified(tmpdir())).size).toBe(0);
  });

  it('lists folders with a trailing slash and refuses to leave the repository', async () => {
    const [alpha] = await localSource({ path: root }).listRepositories();
    expect(await alpha?.listDirectory('')).toEqual(['catalog-info.yaml', 'docs/']);
    expect(await alpha?.readFile('missing.yaml')).toBeUndefined();
    await expect(alpha?.readFile('../beta/catalog-info.yaml')).rejects.toBeInstanceOf(PathEscapeError);
  });

  it('fills link templates with encoded parts', async () => {
    const [alpha] = await localSource({ path: root, urlTemplate: 'https://h/{repo}/blob/main/{path}' }).listRepositories();
    expect(alpha?.viewUrl('docs/a b.md', 3)).toBe('https://h/alpha/blob/main/docs/a%20b.md#L3');
  });
});
