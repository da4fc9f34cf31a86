/**
 * `GITHUB_TOKEN=… npm run build` with a github source: the sample organisation served by the
 * fake GitHub, built for real, twice (the second time from the cache).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortal } from './support/build-portal.ts';
import { reposFromFolder, startFakeGithub, type FakeGithub } from './support/fake-github.ts';

const TOKEN = 'ghs_PLAYBILLBUILDSECRET9876543210';
let github: FakeGithub;
let dir: string;
let first: { dist: string; log: string };
let coldRequests = 0;

beforeAll(async () => {
  github = await startFakeGithub({ org: 'acme-sample', token: TOKEN, repos: await reposFromFolder(join(import.meta.dirname, '../content')) });
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
    expect(coldRequests).toBe(16);
    await buildPortal(join(dir, 'playbill.config.yaml'), { GITHUB_TOKEN: TOKEN }, dir);
    expect(github.apiRequests() - coldRequests).toBe(1);
  });

  it('never writes the token into the site', async () => {
    for (const entry of await readdir(first.dist, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(html|json|js|xml|txt|webmanifest)$/.test(entry.name)) continue;
      expect(await readFile(join(entry.parentPath, entry.name), 'utf8')).not.toContain(TOKEN);
    }
    expect(first.log).not.toContain(TOKEN);
  });
});
