import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitOf, startFakeGithub, type FakeGithub, type FakeRepo } from '../../test/support/fake-github.ts';
import { buildCatalog } from '../catalog/build-catalog.ts';
import { githubSourceSchema, webOrigin } from './github.ts';
import { githubCrawlCurrent, githubSource } from './github.ts';

const TOKEN = 'ghp_PLAYBILLTESTSECRET0123456789';

const component = (name: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${extra}spec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
/** Problems other than the owner every fixture leaves dangling. */
const real = <T extends { message: string }>(problems: T[]) => problems.filter((p) => !p.message.includes('user:default/guest'));

function repo(name: string, more: Partial<FakeRepo> = {}): FakeRepo {
  return { name, files: { 'catalog-info.yaml': component(name), 'README.md': `# ${name}\n` }, ...more };
}

let github: FakeGithub;
let cacheDir: string;
const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };

async function crawl(config: Record<string, unknown> = {}, requestTimeoutMs?: number) {
  const source = githubSource({
    config: githubSourceSchema.parse({ org: 'acme', apiUrl: github.apiUrl, ...config }),
    cacheDir,
    env: { GITHUB_TOKEN: TOKEN },
    logger,
    retryUnitMs: 5,
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
  });
  const before = github.apiRequests();
  const catalog = await buildCatalog([source], { logger });
  return { catalog, source, requests: github.apiRequests() - before, refs: catalog.nodes.map((n) => n.ref) };
}

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'playbill-gh-'));
  logs.length = 0;
});
afterEach(async () => {
  await github?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('crawling an organisation', () => {
  it('costs one GraphQL query plus one tarball per repository with a descriptor', async () => {
    github = await startFakeGithub({
      org: 'acme',
      token: TOKEN,
      repos: [repo('alpha'), repo('beta'), { name: 'no-descriptor', files: { 'README.md': 'x' } }],
    });
    const { refs, requests, catalog } = await crawl();
    expect(refs).toEqual(['component:default/alpha', 'component:default/beta']);
    expect(requests).toBe(3);
    const alpha = catalog.nodes.find((n) => n.ref === 'component:default/alpha');
    expect(alpha?.source.repository).toBe('acme/alpha');
    const sha = commitOf(repo('alpha'));
    // Problems and "view source" link to the file at the crawled commit.
    expect(alpha?.source.viewUrl).toBe(`${webOrigin(github.apiUrl)}/acme/alpha/blob/${sha}/catalog-info.yaml#L1`);
    expect(alpha?.source.editUrl).toBe(`${webOrigin(github.apiUrl)}/acme/alpha/edit/main/catalog-info.yaml`);
    expect(logs.some((l) => /github:acme: 2 repositories, 2 downloaded, 3 requests; rate limit left: \d+/.test(l))).toBe(true);
  });

  it('pages through more than 100 repositories', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: Array.from({ length: 230 }, (_, i) => ({ name: `r${i}`, files: { 'README.md': 'no descriptor' } })) });
    const { requests } = await crawl();
    expect(requests).toBe(3);
  });

  it('publishes public repositories only, unless the config opts in; skips forks and archives by default', async () => {
    github = await startFakeGithub({
      org: 'acme',
      token: TOKEN,
      repos: [repo('open'), repo('secret', { visibility: 'PRIVATE' }), repo('inside', { visibility: 'INTERNAL' }), repo('copy', { fork: true }), repo('old', { archived: true })],
    });
    expect((await crawl()).refs).toEqual(['component:default/open']);
    expect((await crawl({ visibility: ['public', 'internal', 'private'], forks: true, archived: true })).refs).toEqual([
      'component:default/copy',
      'component:default/inside',
      'component:default/old',
      'component:default/open',
      'component:default/secret',
    ]);
  });

  it('filters by name pattern and topics', async () => {
    github = await startFakeGithub({
      org: 'acme',
      token: TOKEN,
      repos: [repo('service-a', { topics: ['backend'] }), repo('service-b', { topics: ['backend', 'sandbox'] }), repo('website', { topics: ['frontend'] })],
    });
    expect((await crawl({ repositories: 'service-*' })).refs).toEqual(['component:default/service-a', 'component:default/service-b']);
    expect((await crawl({ topics: { include: ['backend'], exclude: ['sandbox'] } })).refs).toEqual(['component:default/service-a']);
  });

  it('reads other descriptor paths, several per repository', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [{ name: 'mono', files: { '.backstage/a.yaml': component('a'), 'b.yaml': component('b') } }] });
    expect((await crawl({ catalogPath: ['.backstage/a.yaml', 'b.yaml'] })).refs).toEqual(['component:default/a', 'component:default/b']);
  });
});

describe('importing teams and members', () => {
  it('makes Groups from teams and Users from members, as Backstage\'s GitHub org provider names them', async () => {
    const members = Array.from({ length: 150 }, (_, i) => ({ login: `dev-${i}`, name: `Developer ${i}` }));
    github = await startFakeGithub({
      org: 'acme',
      token: TOKEN,
      repos: [repo('alpha')],
      teams: [
        { slug: 'engineering', name: 'Engineering', members: [] },
        { slug: 'payments', name: 'Payments', description: 'Card payments.', parent: 'engineering', members: ['dev-1', 'dev-2'] },
      ],
      members,
    });
    const { catalog, refs } = await crawl({ importOrg: true });
    expect(refs.filter((r) => r.startsWith('user:'))).toHaveLength(150);
    expect(refs.filter((r) => r.startsWith('group:'))).toEqual(['group:default/engineering', 'group:default/payments']);
    const payments = catalog.nodes.find((n) => n.ref === 'group:default/payments');
    expect(payments?.entity.relations).toEqual(
      expect.arrayContaining([
        { type: 'childOf', targetRef: 'group:default/engineering' },
        { type: 'hasMember', targetRef: 'user:default/dev-1' },
      ]),
    );
    expect(catalog.nodes.find((n) => n.ref === 'group:default/engineering')?.entity.relations).toContainEqual({ type: 'parentOf', targetRef: 'group:default/payments' });
    expect(catalog.nodes.find((n) => n.ref === 'user:default/dev-2')?.entity.relations).toContainEqual({ type: 'memberOf', targetRef: 'group:default/payments' });
    expect(real(catalog.problems)).toEqual([]);
  });
});

describe('incremental rebuilds', () => {
  it('a rebuild with nothing changed costs one request; a change in one repository costs one more', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha'), repo('beta')] });
    expect((await crawl()).requests).toBe(3);
    const unchanged = await crawl();
    expect(unchanged.requests).toBe(1);
    expect(unchanged.refs).toEqual(['component:default/alpha', 'component:default/beta']);

    github.setRepos([repo('alpha', { files: { 'catalog-info.yaml': component('alpha', '  description: Changed.\n') } }), repo('beta')]);
    const changed = await crawl();
    expect(changed.requests).toBe(2);
    expect(changed.catalog.nodes.find((n) => n.ref === 'component:default/alpha')?.entity.metadata['description']).toBe('Changed.');
  });

  it('drops a repository that disappeared or lost its descriptor', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha'), repo('beta'), repo('gamma')] });
    await crawl();
    github.setRepos([repo('alpha'), { name: 'beta', files: { 'README.md': 'gone' } }]);
    expect((await crawl()).refs).toEqual(['component:default/alpha']);
  });
});

describe('faults', () => {
  it('retries a transient 502 and waits out a rate limit', async () => {
    github = await startFakeGithub({
      org: 'acme',
      token: TOKEN,
      repos: [repo('alpha')],
      graphqlFault: (n) => (n === 1 ? { status: 502, message: 'Bad Gateway' } : undefined),
      tarballFault: (_repo, n) =>
        n === 1 ? { status: 403, message: 'You have exceeded a secondary rate limit', headers: { 'Retry-After': '1' } } : undefined,
    });
    const { refs, catalog } = await crawl();
    expect(refs).toEqual(['component:default/alpha']);
    expect(real(catalog.problems)).toEqual([]);
    expect(logs.some((l) => l.includes('GitHub asked to slow down; waiting 1 s'))).toBe(true);
  });

  it('does not wait an hour for a spent rate limit: keeps the last good content, says when it resets, and finishes', async () => {
    const names = ['alpha', 'beta', 'gamma'];
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: names.map((n) => repo(n)) });
    await crawl();
    github.setRepos(names.map((n) => repo(n, { files: { 'catalog-info.yaml': component(n, '  description: New.\n') } })));
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    github.setFaults({ tarballFault: () => ({ status: 403, message: 'API rate limit exceeded', headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset } }) });
    const started = Date.now();
    const { catalog, requests } = await crawl();
    // Waiting would take 3,600 retry units (18 s here); the budget is 120 units (0.6 s).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(catalog.nodes.map((n) => n.ref)).toEqual(names.map((n) => `component:default/${n}`));
    expect(catalog.nodes.every((n) => n.entity.metadata['description'] === undefined)).toBe(true);
    const problems = real(catalog.problems);
    expect(problems).toHaveLength(3);
    for (const p of problems) expect(p.message).toMatch(/showing commit [0-9a-f]{7} from the last good build/);
    expect(problems.every((p) => /rate limit reached; it resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/.test(p.message))).toBe(true);
    // After the first refusal, the others are not even asked for.
    expect(requests).toBeLessThanOrEqual(2);
    expect(logs.some((l) => /not waiting \d+ s/.test(l))).toBe(true);
  });

  it('stops retrying a GitHub that answers 5xx for minutes once the wait budget is spent', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `svc-${i}`);
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: names.map((n) => repo(n)) });
    await crawl();
    github.setRepos(names.map((n) => repo(n, { files: { 'catalog-info.yaml': component(n, '  description: New.\n') } })));
    github.setFaults({ tarballFault: () => ({ status: 502, message: 'Bad Gateway' }) });
    const { catalog, requests } = await crawl({ maxWaitSeconds: 30 });
    expect(catalog.nodes).toHaveLength(20);
    expect(real(catalog.problems)).toHaveLength(20);
    // Four attempts per repository (one try, three retries) would be 81 requests with the listing.
    expect(requests).toBeLessThan(40);
    expect(real(catalog.problems).at(-1)?.message).toContain('GitHub answered 502 for longer than this build\'s wait limit (maxWaitSeconds: 30)');
  });

  it('keeps the last good content of a repository that keeps failing, with a problem', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha')] });
    await crawl();
    github.setRepos([repo('alpha', { files: { 'catalog-info.yaml': component('alpha', '  description: New.\n') } })]);
    github.setFaults({ tarballFault: () => ({ status: 500, message: 'Internal Server Error' }) });
    const { catalog } = await crawl();
    expect(catalog.nodes.map((n) => n.ref)).toEqual(['component:default/alpha']);
    expect(catalog.nodes[0]?.entity.metadata['description']).toBeUndefined();
    expect(real(catalog.problems).map((p) => `${p.severity} ${p.repository}: ${p.message.replace(/[0-9a-f]{7}/g, 'SHA')}`)).toMatchInlineSnapshot(`
      [
        "warning acme/alpha: could not download commit SHA (GitHub answered 500: Internal Server Error - https://docs.github.com/rest); showing commit SHA from the last good build",
      ]
    `);
  });

  it('leaves out a repository it could never download, and builds the rest', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha'), repo('broken')], tarballFault: (name) => (name === 'broken' ? { status: 500 } : undefined) });
    const { refs, catalog } = await crawl();
    expect(refs).toEqual(['component:default/alpha']);
    expect(real(catalog.problems)).toEqual([expect.objectContaining({ severity: 'error', repository: 'acme/broken' })]);
  });

  it('fails with a clear message when nothing could be fetched, and never shows the token', async () => {
    github = await startFakeGithub({ org: 'acme', token: 'a-different-token', repos: [repo('alpha')] });
    const error = await crawl().catch((e: unknown) => e);
    expect(String(error)).toMatchInlineSnapshot(`"Error: github:acme: could not list repositories: GitHub rejected the credentials (401): check GITHUB_TOKEN or the GitHub App settings"`);
    expect(String(error)).not.toContain(TOKEN);
  });

  it('gives up on a GitHub that never answers, and uses the last good build', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha')] });
    await crawl();
    github.setFaults({ graphqlFault: () => ({ status: 200, hang: true }) });
    const started = Date.now();
    const { refs, catalog } = await crawl({}, 300);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refs).toEqual(['component:default/alpha']);
    expect(real(catalog.problems).map((p) => p.message)).toEqual(['could not list repositories (GitHub did not answer in time); showing the 1 repositories from the last good build']);
  });

  it('uses the last good build when GitHub is unreachable', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha')] });
    await crawl();
    github.setFaults({ graphqlFault: () => ({ status: 503, message: 'Service Unavailable' }) });
    const { refs, catalog } = await crawl();
    expect(refs).toEqual(['component:default/alpha']);
    expect(real(catalog.problems).map((p) => p.message)).toEqual([
      expect.stringContaining('could not list repositories (GitHub answered 503'),
    ]);
    expect(real(catalog.problems)[0]?.message).toContain('showing the 1 repositories from the last good build');
  });
});

describe('token hygiene', () => {
  it('never writes the token to logs, problems or entities', async () => {
    github = await startFakeGithub({
      org: 'acme',
      token: TOKEN,
      repos: [repo('alpha'), repo('broken')],
      tarballFault: (name) => (name === 'broken' ? { status: 500 } : undefined),
    });
    const { catalog } = await crawl();
    expect(JSON.stringify(catalog.nodes) + JSON.stringify(catalog.problems) + logs.join('\n')).not.toContain(TOKEN);
    // The fake server saw the token, so the check above can fail.
    expect(github.requests.length).toBeGreaterThan(0);
  });
});

describe('whether the last crawl is what GitHub lists now (a rebuild with nothing changed)', () => {
  const current = (config: Record<string, unknown> = {}, timeoutMs?: number) =>
    githubCrawlCurrent({ config: githubSourceSchema.parse({ org: 'acme', apiUrl: github.apiUrl, ...config }), cacheDir, env: { GITHUB_TOKEN: TOKEN }, retryUnitMs: 5 }, timeoutMs);
  const teams = [{ slug: 'web', name: 'Web', members: ['ada'] }];
  const members = [{ login: 'ada', name: 'Ada' }];
  const notCurrent = (why: string) => ({ current: false, why });

  it('is, while nothing changed, at one query per 100 repositories (and one for the teams) and no download', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha'), repo('beta')], teams, members });
    expect(await current({ importOrg: true })).toEqual(notCurrent('the last crawl of github:acme did not get everything it listed'));
    await crawl({ importOrg: true });
    const before = github.apiRequests();
    expect(await current({ importOrg: true })).toEqual({ current: true });
    expect(github.apiRequests() - before).toBe(2);
    expect(github.requests.filter((r) => r.path.includes('tarball'))).toHaveLength(2);
  });

  it('says what changed since: a push, a new or a removed repository, the teams', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha'), repo('beta')], teams, members });
    await crawl({ importOrg: true });
    const pushed = repo('alpha', { files: { ...repo('alpha').files, 'README.md': '# alpha, edited\n' } });
    github.setRepos([pushed, repo('beta')]);
    expect(await current({ importOrg: true })).toEqual(notCurrent('1 repository of github:acme changed since the last build (alpha)'));
    github.setRepos([repo('alpha'), repo('beta'), repo('gamma')]);
    expect(await current({ importOrg: true })).toEqual(notCurrent('1 repository of github:acme changed since the last build (gamma)'));
    github.setRepos([repo('alpha')]);
    expect(await current({ importOrg: true })).toEqual(notCurrent('1 repository of github:acme changed since the last build (beta)'));
    github.setRepos([repo('alpha'), repo('beta')]);
    expect(await current({ importOrg: true })).toEqual({ current: true });
    // The same repositories, but the teams not imported now: the output would differ.
    expect(await current({ importOrg: false })).toEqual(notCurrent('the teams or members of github:acme changed since the last build'));
    github.setRepos([pushed, repo('beta')]);
    await crawl({ importOrg: true });
    expect(await current({ importOrg: true })).toEqual({ current: true });
  });

  it('is not after a crawl that kept something older, and cannot tell when GitHub does not answer', async () => {
    github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: [repo('alpha'), repo('beta')] });
    await crawl();
    github.setRepos([repo('alpha', { files: { ...repo('alpha').files, 'README.md': '# new\n' } }), repo('beta')]);
    github.setFaults({ tarballFault: () => ({ status: 500, message: 'Internal Server Error' }) });
    const { catalog } = await crawl();
    expect(real(catalog.problems).map((p) => p.message)).toEqual([expect.stringContaining('could not download commit')]);
    github.setFaults({});
    // GitHub lists the new commit; the crawl showed alpha's old one.
    expect(await current()).toEqual(notCurrent('the last crawl of github:acme did not get everything it listed'));
    await crawl();
    expect(await current()).toEqual({ current: true });

    // Nor after a crawl that could not list at all (it showed the last good build).
    github.setFaults({ graphqlFault: () => ({ status: 503, message: 'Service Unavailable' }) });
    await crawl();
    expect(await current()).toEqual(notCurrent('the last crawl of github:acme did not get everything it listed'));
    github.setFaults({});
    await crawl();
    // GitHub down: no waiting (the build that follows waits, within its limit), and no token in the message.
    github.setFaults({ graphqlFault: () => ({ status: 503, message: 'Service Unavailable' }) });
    const down = await current();
    expect(down).toEqual({ current: false, why: expect.stringMatching(/^could not ask GitHub what changed in github:acme \(GitHub answered 503/) });
    expect(JSON.stringify(down)).not.toContain(TOKEN);

    // A GitHub that never answers: given up after the time allowed.
    github.setFaults({ graphqlFault: () => ({ status: 200, hang: true }) });
    const started = Date.now();
    const silent = await current({}, 300);
    expect(silent).toEqual(notCurrent('could not ask GitHub what changed in github:acme (no answer within 0.3 s)'));
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
