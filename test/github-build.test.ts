/**
 * `GITHUB_TOKEN=… npm run build` with a github source: the sample organisation served by the
 * fake GitHub, built for real, twice (the second time from the cache).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortal, outputFiles } from './support/build-portal.ts';
import { reposFromFolder, startFakeGithub, type FakeGithub, type FakeRepo } from './support/fake-github.ts';

const TOKEN = 'ghs_PLAYBILLBUILDSECRET9876543210';
let github: FakeGithub;
let dir: string;
let first: { dist: string; log: string };
let coldRequests = 0;
let repos: FakeRepo[];

beforeAll(async () => {
  repos = (await reposFromFolder(join(import.meta.dirname, '../content'))).map((repo) =>
    repo.name === 'payments-api'
      ? { ...repo, activity: { release: { name: 'v4.2.0', tagName: 'v4.2.0', publishedAt: '2026-11-10T09:00:00Z' }, openPullRequests: 3, ci: 'FAILURE' as const, runs: [{ workflow: 'CI', conclusion: 'FAILURE' as const }], protectedBranch: true } }
      : repo,
  );
  github = await startFakeGithub({ org: 'acme-sample', token: TOKEN, repos });
  dir = await mkdtemp(join(tmpdir(), 'playbill-gh-build-'));
  const config = join(dir, 'playbill.config.yaml');
  await writeFile(config, `site:\n  title: Acme on GitHub\nsources:\n  - github:\n      org: acme-sample\n      apiUrl: ${github.apiUrl}\n`);
  first = await buildPortal(config, { GITHUB_TOKEN: TOKEN }, dir);
  coldRequests = github.apiRequests();
});
afterAll(async () => {
  await github?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a portal built from GitHub', () => {
  it('renders the organisation\'s catalog and docs', async () => {
    const entity = await readFile(join(first.dist, 'catalog/default/component/payments-api/index.html'), 'utf8');
    expect(entity).toContain('Charges cards, issues refunds');
    expect(entity).toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/acme-sample\/payments-api\/blob\/[0-9a-f]{40}\/catalog-info\.yaml#L1"/);
    const docs = await readFile(join(first.dist, 'docs/default/component/payments-api/guides/integrating/index.html'), 'utf8');
    expect(docs).toContain('Idempotency keys are required');
    expect(first.log).toMatch(/github:acme-sample: 15 repositories, 15 downloaded, 16 requests/);
  });

  it('costs one request per 100 repositories plus one download per repository, and one request to rebuild', async () => {
    // 16 for the crawl, and one GraphQL query for the GitHub plugin (up to 20 repositories each).
    expect(coldRequests).toBe(17);
    await buildPortal(join(dir, 'playbill.config.yaml'), { GITHUB_TOKEN: TOKEN }, dir);
    // Nothing changed: the crawl's one listing query; the plugin's data is fresh and keyed by commit.
    expect(github.apiRequests() - coldRequests).toBe(1);
  });

  it('shows what GitHub knows on the entity page, and feeds the scorecards', async () => {
    const entity = await readFile(join(first.dist, 'catalog/default/component/payments-api/index.html'), 'utf8');
    const card = /<section class="panel plugin-card plugin-github"[\s\S]*?<\/section>/.exec(entity)?.[0] ?? '';
    expect(card).toContain('CI on main: failure');
    expect(card).toContain('v4.2.0 (2026-11-10)');
    expect(card).toMatch(/As of <time datetime="\d{4}-/);
    expect(card).toContain('Branch protection');
    expect(card).toContain('<th scope="col">Workflow</th>');
    const scores = JSON.parse(await readFile(join(first.dist, 'api/scorecards.json'), 'utf8'));
    const payments = scores.entities.find((e: { entityRef: string }) => e.entityRef === 'component:default/payments-api');
    expect(payments.checks.find((c: { id: string }) => c.id === 'ci-green').result).toBe('fail');
    expect(payments.checks.find((c: { id: string }) => c.id === 'recent-release').result).toBe('pass');
  });

  it('never writes the token into the site', async () => {
    for (const entry of await readdir(first.dist, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(html|json|js|xml|txt|webmanifest)$/.test(entry.name)) continue;
      expect(await readFile(join(entry.parentPath, entry.name), 'utf8')).not.toContain(TOKEN);
    }
    expect(first.log).not.toContain(TOKEN);
  });
});

describe('npm run build from GitHub, again', () => {
  it('asks GitHub what changed (one query), puts the last output back without Astro, and builds in full after a push', async () => {
    const home = await mkdtemp(join(tmpdir(), 'playbill-gh-again-'));
    try {
      const config = join(home, 'playbill.config.yaml');
      await writeFile(config, `site:\n  title: Acme on GitHub\nsources:\n  - github:\n      org: acme-sample\n      apiUrl: ${github.apiUrl}\n`);
      const build = () => buildPortal(config, { GITHUB_TOKEN: TOKEN }, home, { script: true });
      const full = await outputFiles((await build()).dist);
      const before = github.apiRequests();
      const again = await build();
      expect(again.log).toMatch(/\[playbill:build\] nothing changed since the last build \(inputs [0-9a-f]{12}\): its output is back in/);
      expect(again.log).not.toMatch(/\[build\]|generating static routes/);
      expect(github.apiRequests() - before).toBe(1);
      const restored = await outputFiles(again.dist);
      expect([...restored.keys()]).toEqual([...full.keys()]);
      expect([...full].filter(([path, bytes]) => !restored.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);

      github.setRepos(repos.map((r) => (r.name === 'payments-api' ? { ...r, files: { ...r.files, 'docs/index.md': `${r.files['docs/index.md'] ?? ''}\n\nPushed after the last build.\n` } } : r)));
      const pushed = await build();
      expect(pushed.log).toContain('the last build\'s output cannot be reused: 1 repository of github:acme-sample changed since the last build (payments-api)');
      expect(await readFile(join(pushed.dist, 'docs/default/component/payments-api/index.html'), 'utf8')).toContain('Pushed after the last build.');
      // And the build after that has nothing to do again.
      const after = await build();
      expect(after.log).toMatch(/nothing changed since the last build/);
      expect(await readFile(join(after.dist, 'docs/default/component/payments-api/index.html'), 'utf8')).toContain('Pushed after the last build.');
      expect(again.log + pushed.log).not.toContain(TOKEN);
    } finally {
      github.setRepos(repos);
      await rm(home, { recursive: true, force: true });
    }
  }, 600_000);
});
