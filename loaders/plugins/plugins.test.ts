import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTools, type FakeTools } from '../../test/support/fake-tools.ts';
import { buildCatalog } from '../catalog/build-catalog.ts';
import type { CatalogNode } from '../catalog/graph.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { memoryRepository } from '../sources/memory.ts';
import { erasePlugin } from './api.ts';
import { pagerduty } from './builtin/pagerduty.ts';
import { sonarqube } from './builtin/sonarqube.ts';
import { PluginCache } from './plugin-cache.ts';
import { resolvePlugins } from './registry.ts';
import { runPlugins, type ConfiguredPlugin } from './run-plugins.ts';

const TOKEN = 'pd-secret-token-1234';
let tools: FakeTools;
let dir: string;
let nodes: CatalogNode[];

const component = (name: string, annotations: Record<string, string>) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`).join('\n')}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;

beforeAll(async () => {
  tools = await startFakeTools({
    pagerdutyToken: TOKEN,
    services: { P1: { name: 'Payments', status: 'active', policy: 'Payments on call', onCall: ['Ada', 'Grace'] }, P2: { name: 'Fraud', status: 'active', policy: 'Fraud', onCall: [] } },
    projects: { pay: { gate: 'ERROR', measures: { bugs: '3', vulnerabilities: '0', code_smells: '41', coverage: '72.5', duplicated_lines_density: '1.2' } } },
  });
  const yaml = [
    component('payments', { 'pagerduty.com/service-id': 'P1', 'sonarqube.org/project-key': 'pay', 'jira/project-key': 'PAY' }),
    component('fraud', { 'pagerduty.com/service-id': 'P2' }),
    component('ghost', { 'pagerduty.com/service-id': 'NOPE' }),
    component('quiet', {}),
  ].join('---\n');
  const repo = memoryRepository('org', { 'catalog-info.yaml': yaml }, ['catalog-info.yaml']);
  nodes = (await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }])).nodes;
});
afterAll(() => tools.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'playbill-plugins-'));
  tools.requests.length = 0;
  for (const prefix of ['/pagerduty', '/sonar']) tools.fault(prefix, undefined);
  return () => rm(dir, { recursive: true, force: true });
});

const configured = (): ConfiguredPlugin[] => [
  { plugin: erasePlugin(pagerduty), options: pagerduty.options.parse({ apiUrl: `${tools.url}/pagerduty` }) },
  { plugin: erasePlugin(sonarqube), options: sonarqube.options.parse({ baseUrl: `${tools.url}/sonar` }) },
];
/** One build's plugin stage, with its cache kept in `dir` as a real build keeps it. */
async function build(now = new Date('2026-11-30T10:00:00Z'), env: NodeJS.ProcessEnv = { PAGERDUTY_TOKEN: TOKEN }) {
  const cache = new PluginCache();
  await cache.load(join(dir, 'plugins.json'));
  const results = await runPlugins(nodes, configured(), { cache, env, now, unitMs: 5, budgetMs: 200, timeoutMs: 300 });
  await cache.save(join(dir, 'plugins.json'));
  return results;
}
const card = (results: Awaited<ReturnType<typeof build>>, entity: string, plugin: string) => results.cards.get(`component:default/${entity}`)?.find((c) => c.plugin === plugin);
const problems = (results: Awaited<ReturnType<typeof build>>) => results.problems.map((p) => `${p.severity} ${p.entityRef}: ${p.message}`);

describe('fetching plugins against their APIs (a loopback fake)', () => {
  it('show what PagerDuty and SonarQube know, with facts for scorecards, and only the fields their schemas name', async () => {
    const results = await build();
    expect(card(results, 'payments', 'pagerduty')?.card).toMatchObject({ status: 'ok', summary: 'On call now: Ada, Grace' });
    expect(card(results, 'payments', 'pagerduty')?.asOf).toBe('2026-11-30T10:00:00.000Z');
    expect(card(results, 'payments', 'sonarqube')?.card).toMatchObject({ status: 'error', summary: 'Quality gate: failed' });
    expect(card(results, 'payments', 'sonarqube')?.card.fields).toContainEqual({ label: 'Coverage', value: '72.5%' });
    expect(results.facts.get('component:default/payments')).toEqual({ onCall: true, qualityGate: 'failed' });
    expect(results.facts.get('component:default/fraud')).toEqual({ onCall: false });
    const everything = JSON.stringify([...results.cards]) + JSON.stringify(results.problems);
    expect(everything).not.toContain('secret-integration');
    expect(everything).not.toContain('@acme.example');
    expect(everything).not.toContain(TOKEN);
    // The fake saw the token, so the check above can fail.
    expect(tools.requests.some((r) => r.authorization?.includes(TOKEN))).toBe(true);
  });

  it('reports a 404 against its entity and file, and the rest still renders', async () => {
    const results = await build();
    expect(problems(results)).toEqual([
      'warning component:default/ghost: plugin pagerduty: could not fetch at build time (127.0.0.1:' + new URL(tools.url).port + ' has no such thing (404); check the annotation\'s value); the card shows no data',
    ]);
    expect(card(results, 'ghost', 'pagerduty')?.card.note).toContain('PAGERDUTY_TOKEN');
    expect(results.problems[0]).toMatchObject({ repository: 'org', file: 'catalog-info.yaml' });
  });

  it('costs no request on a rebuild while its data is fresh, then asks with If-None-Match', async () => {
    await build();
    const first = tools.requests.length;
    expect(first).toBeGreaterThan(0);
    tools.requests.length = 0;
    await build(new Date('2026-11-30T10:05:00Z'));
    // Only the entity that failed is asked again.
    expect(tools.requests.map((r) => r.path)).toEqual(['/pagerduty/services/NOPE?include[]=escalation_policies']);
    tools.requests.length = 0;
    const later = await build(new Date('2026-11-30T13:00:00Z'));
    expect(tools.requests.filter((r) => r.ifNoneMatch).length).toBeGreaterThan(0);
    expect(card(later, 'payments', 'pagerduty')?.asOf).toBe('2026-11-30T13:00:00.000Z');
  });

  it('records when a build would show other data: when the first data goes stale, or at once after a failed fetch', async () => {
    const refreshAt = async () => JSON.parse(await readFile(join(dir, 'plugins.json'), 'utf8')).refreshAt;
    // ghost's 404 is asked again by the next build.
    await build();
    expect(await refreshAt()).toBe('2026-11-30T10:00:00.000Z');
    // Without it: PagerDuty's data is fresh for 15 minutes, SonarQube's for an hour.
    const healthy = nodes.filter((n) => !n.ref.endsWith('/ghost'));
    const run = async (now: Date) => {
      const cache = new PluginCache();
      await cache.load(join(dir, 'plugins.json'));
      await runPlugins(healthy, configured(), { cache, env: { PAGERDUTY_TOKEN: TOKEN }, now, unitMs: 5, budgetMs: 200, timeoutMs: 300 });
      await cache.save(join(dir, 'plugins.json'));
    };
    await rm(join(dir, 'plugins.json'));
    await run(new Date('2026-11-30T10:00:00Z'));
    expect(await refreshAt()).toBe('2026-11-30T10:15:00.000Z');
    // Reused while fresh: the time stays the first fetch's.
    await run(new Date('2026-11-30T10:10:00Z'));
    expect(await refreshAt()).toBe('2026-11-30T10:15:00.000Z');
    tools.fault('/pagerduty', { status: 503 });
    await run(new Date('2026-11-30T10:20:00Z'));
    expect(await refreshAt()).toBe('2026-11-30T10:20:00.000Z');
  });

  it('degrades to a deep link without credentials, and says so', async () => {
    const results = await build(undefined, {});
    const pd = card(results, 'payments', 'pagerduty');
    expect(pd?.card.href).toBe('https://app.pagerduty.com/service-directory/P1');
    expect(pd?.card.note).toBe('On-call data needs PAGERDUTY_TOKEN in the build\'s environment; this card links to PagerDuty.');
    expect(pd?.asOf).toBeUndefined();
    expect(tools.requests.filter((r) => r.path.startsWith('/pagerduty'))).toEqual([]);
  });

  it('keeps SonarQube\'s last good data when it fails', async () => {
    await build();
    tools.fault('/sonar', { status: 500 });
    const results = await build(new Date('2026-11-30T13:00:00Z'));
    expect(card(results, 'payments', 'sonarqube')?.stale).toContain('answered 500');
    expect(card(results, 'payments', 'sonarqube')?.card.summary).toBe('Quality gate: failed');
    expect(results.facts.get('component:default/payments')).toMatchObject({ qualityGate: 'failed' });
  });

  const faults = [
    ['401', { status: 401 }, 'rejected the credentials (401)'],
    ['5xx', { status: 503 }, 'answered 503'],
    ['rate limit', { status: 429, headers: { 'retry-after': '3600' } }, 'rate limit reached; it resets at'],
    ['timeout', { delayMs: 1000 }, 'did not answer within 0.3 s'],
    ['malformed JSON', { malformed: true }, 'answered with malformed JSON'],
  ] as const;
  for (const [name, fault, message] of faults) {
    it(`never fails the build on ${name}: a problem, and the card shows the last good data`, async () => {
      await build();
      tools.fault('/pagerduty', fault);
      const started = Date.now();
      const results = await build(new Date('2026-11-30T13:00:00Z'));
      expect(Date.now() - started).toBeLessThan(10_000);
      const pd = card(results, 'payments', 'pagerduty');
      expect(pd?.stale).toContain(message);
      expect(pd?.asOf).toBe('2026-11-30T10:00:00.000Z');
      expect(pd?.card.summary).toBe('On call now: Ada, Grace');
      expect(problems(results).find((p) => p.includes('component:default/payments'))).toContain(`plugin pagerduty: could not fetch at build time (`);
      expect(problems(results).join('\n')).toContain('the card shows data as of 2026-11-30 10:00 UTC');
      // SonarQube was not touched by PagerDuty's fault.
      expect(card(results, 'payments', 'sonarqube')?.stale).toBeUndefined();
      expect(JSON.stringify(results)).not.toContain(TOKEN);
    });
  }
});

describe('plugins in the config', () => {
  const write = async (config: string) => {
    await writeFile(join(dir, 'playbill.config.yaml'), `sources:\n  - local: { path: ./content }\n${config}`);
    return loadConfig(join(dir, 'playbill.config.yaml'));
  };

  it('lists every invalid option of every plugin, with its line, and stops', async () => {
    const loaded = await write('plugins:\n  - name: jira\n    options: { baseUrl: not-a-url }\n  - name: pagerduty\n    options: { colour: red }\n  - name: nonesuch\n');
    const error = await resolvePlugins(loaded).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error).replaceAll(dir, '<dir>')).toMatchInlineSnapshot(`
      "Error: Invalid plugin options in <dir>/playbill.config.yaml:
        <dir>/playbill.config.yaml:5:16 plugins.0.options.baseUrl: Invalid URL (plugin jira)
        <dir>/playbill.config.yaml:7:5 plugins.1.options: Unrecognized key: "colour" (plugin pagerduty)
        <dir>/playbill.config.yaml:8:5 plugins.2.name: no built-in plugin "nonesuch"; built-ins: github, pagerduty, sonarqube, opsgenie, grafana, datadog, sentry, snyk, jira, argocd, kubernetes (or give module: for your own)"
    `);
  });

  it('loads a plugin module written against the public API, and keeps the built-ins on', async () => {
    await writeFile(join(dir, 'radio.ts'), `export { default } from ${JSON.stringify(join(import.meta.dirname, '../../test/fixtures/plugins/team-radio.ts'))};\n`);
    const loaded = await write('plugins:\n  - name: team-radio\n    module: ./radio.ts\n    options: { station: KEXP }\n  - name: sonarqube\n    enabled: false\n');
    const plugins = await resolvePlugins(loaded);
    expect(plugins.map((p) => p.plugin.name)).toContain('team-radio');
    expect(plugins.map((p) => p.plugin.name)).toContain('pagerduty');
    expect(plugins.map((p) => p.plugin.name)).not.toContain('sonarqube');
    const repo = memoryRepository('org', { 'catalog-info.yaml': component('radio', { 'acme.example/radio': 'Heroes' }) }, ['catalog-info.yaml']);
    const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }]);
    const results = await runPlugins(catalog.nodes, plugins, { cache: new PluginCache() });
    expect(results.cards.get('component:default/radio')?.map((c) => c.card.summary)).toEqual(['Now playing KEXP: Heroes']);
    expect(results.facts.get('component:default/radio')).toEqual({ onCall: true });
    expect(results.cards.get('component:default/radio')?.[0]?.tab).toEqual({ title: 'Radio', cards: [{ title: 'Playlist', fields: [{ label: 'Now', value: 'KEXP: Heroes' }] }] });
  });
});

describe('the GitHub plugin', () => {
  it('asks one GraphQL query per 20 repositories, nothing while fresh, and again for a repository whose commit changed', async () => {
    const { startFakeGithub } = await import('../../test/support/fake-github.ts');
    const { githubGraphql, githubSourceSchema } = await import('../sources/github.ts');
    const { github: plugin } = await import('./builtin/github.ts');
    const names = Array.from({ length: 45 }, (_, i) => `svc-${i}`);
    const fake = await startFakeGithub({ org: 'acme', token: TOKEN, repos: names.map((name) => ({ name, files: {}, activity: { ci: 'SUCCESS', openIssues: 2 } })) });
    try {
      const repo = memoryRepository('org', { 'catalog-info.yaml': names.map((n) => component(n, { 'github.com/project-slug': `acme/${n}` })).join('---\n') }, ['catalog-info.yaml']);
      const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }]);
      const run = async (commit: string, now: Date) => {
        const cache = new PluginCache();
        await cache.load(join(dir, 'github.json'));
        const client = githubGraphql({ config: githubSourceSchema.parse({ org: 'acme', apiUrl: fake.apiUrl }), cacheDir: dir, env: { GITHUB_TOKEN: TOKEN }, retryUnitMs: 5 });
        const before = fake.apiRequests();
        const results = await runPlugins(catalog.nodes, [{ plugin: erasePlugin(plugin), options: plugin.options.parse({}) }], { cache, github: client, now, commits: new Map([['org', commit]]) });
        await cache.save(join(dir, 'github.json'));
        return { results, requests: fake.apiRequests() - before };
      };
      const cold = await run('c1', new Date('2026-11-30T10:00:00Z'));
      expect(cold.requests).toBe(3);
      expect(cold.results.facts.get('component:default/svc-7')).toEqual({ ciStatus: 'success' });
      expect(cold.results.cards.get('component:default/svc-7')?.[0]?.card.fields).toContainEqual({ label: 'Open issues', value: '2', href: 'https://github.example/acme/svc-7/issues' });
      expect((await run('c1', new Date('2026-11-30T10:10:00Z'))).requests).toBe(0);
      expect((await run('c2', new Date('2026-11-30T10:20:00Z'))).requests).toBe(3);
      // GitHub failing: every entity keeps its last good data, with a problem each.
      fake.setFaults({ graphqlFault: () => ({ status: 502, message: 'Bad Gateway' }) });
      const failed = await run('c3', new Date('2026-11-30T10:30:00Z'));
      expect(failed.results.cards.get('component:default/svc-7')?.[0]?.stale).toContain('502');
      expect(failed.results.facts.get('component:default/svc-7')).toEqual({ ciStatus: 'success' });
      expect(failed.results.problems).toHaveLength(45);
    } finally {
      await fake.close();
    }
  });
});

describe('deep-link plugins', () => {
  it('turn the annotations Backstage\'s plugins read into links, and never link a script URL', async () => {
    const { DEEP_LINK_PLUGINS } = await import('./builtin/deep-links.ts');
    const repo = memoryRepository(
      'org',
      {
        'catalog-info.yaml': component('svc', {
          'jira/project-key': 'PAY',
          'argocd/app-name': 'svc',
          'datadoghq.com/dashboard-url': 'javascript:alert(1)',
          'sentry.io/project-slug': 'acme/svc',
          'snyk.io/org-name': 'acme',
          'snyk.io/project-ids': 'p1, p2',
        }),
      },
      ['catalog-info.yaml'],
    );
    const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }]);
    const plugins = DEEP_LINK_PLUGINS.map((plugin) => ({ plugin, options: plugin.options.parse(plugin.name === 'jira' ? { baseUrl: 'https://acme.atlassian.net' } : {}) }));
    const results = await runPlugins(catalog.nodes, plugins, { cache: new PluginCache() });
    const cards = Object.fromEntries((results.cards.get('component:default/svc') ?? []).map((c) => [c.plugin, c.card]));
    expect(cards['jira']?.href).toBe('https://acme.atlassian.net/browse/PAY');
    expect(cards['argocd']).toMatchObject({ note: 'Set plugins → argocd → options.baseUrl to link to it.' });
    expect(cards['argocd']?.href).toBeUndefined();
    expect(cards['datadog']).toEqual(expect.objectContaining({ note: 'datadoghq.com/dashboard-url is not an http(s) URL.' }));
    expect(JSON.stringify(cards)).not.toContain('javascript:');
    expect(cards['sentry']?.href).toBe('https://sentry.io/organizations/acme/projects/svc/');
    expect(cards['snyk']?.fields.map((f) => f.href)).toEqual(['https://app.snyk.io/org/acme/project/p1', 'https://app.snyk.io/org/acme/project/p2']);
    expect(results.requests).toBe(0);
  });
});
