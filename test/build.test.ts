/**
 * One real `astro build` of the fixture portal, asserted on the files it writes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemSchema } from '../loaders/problems.ts';
import { cleanEnv, withoutColour } from './support/build-portal.ts';

const ROOT = join(import.meta.dirname, '..');
let out: string;
let log: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'playbill-build-'));
  const result = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', join(out, 'dist')], {
    cwd: ROOT,
    // A stray BASE_URL in the environment must not move the site's links.
    env: { ...cleanEnv(), BASE_URL: '/stray/', PLAYBILL_CONFIG: 'test/fixtures/site/playbill.config.yaml', PLAYBILL_CACHE_DIR: join(out, 'cache') },
    maxBuffer: 64 * 1024 * 1024,
  });
  log = withoutColour(result.stdout + result.stderr);
});
afterAll(() => rm(out, { recursive: true, force: true }));

const page = (path: string) => readFile(join(out, 'dist', path), 'utf8');

const entitySchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string() }),
  spec: z.record(z.string(), z.unknown()).optional(),
  relations: z.array(z.object({ type: z.string(), targetRef: z.string().regex(/^[a-z0-9]+:[a-z0-9-]+\/.+$/) })),
});

describe('astro build of the fixture portal', () => {
  it('logs what it crawled, each line labelled with the stage that wrote it', () => {
    expect(log).toMatch(/\[playbill:catalog\] \d+ entities from 11 repositories/);
    expect(log).toMatch(/\[playbill:problems\] \d+ errors, \d+ warnings/);
    expect(log).toMatch(/\[playbill:sources\] local:\S+: \d+ repositories/);
    expect(log).toMatch(/\[playbill:docs\] \d+ pages for \d+ entities/);
    // The crawl and the docs no longer speak under whichever collection loaded first.
    expect(log).not.toMatch(/\[playbill[-:](problems|catalog|docs-sites|docs-pages)\] (local:|docs:|\d+ pages for)/);
  });

  it('prints no warning a user could do nothing about', () => {
    expect(log).not.toMatch(/\[WARN\]|MODULE_LEVEL_DIRECTIVE|larger than 500 kB/);
  });

  it('writes one page per entity at Backstage\'s lowercased URL', async () => {
    const kinds = await readdir(join(out, 'dist/catalog/default'));
    expect(kinds.sort()).toEqual(['api', 'component', 'environment', 'group', 'location', 'resource', 'system', 'template', 'user']);
    const html = await page('catalog/default/component/web/index.html');
    expect(html).toContain('The shop front.');
    expect(html).toContain('href="https://git.example.com/web/blob/main/catalog-info.yaml#L1"');
  });

  it('writes entities.json in Backstage\'s shape, relations both ways', async () => {
    const entities = z.array(entitySchema).parse(JSON.parse(await page('api/catalog/entities.json')));
    const byRef = new Map(entities.map((e) => [`${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase(), e]));
    expect(byRef.get('component:default/web')?.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/team' });
    expect(byRef.get('group:default/team')?.relations).toContainEqual({ type: 'ownerOf', targetRef: 'component:default/web' });
    expect(byRef.get('user:default/jane')?.relations).toContainEqual({ type: 'memberOf', targetRef: 'group:default/team' });
    expect(byRef.get('api:default/orders')?.relations).toContainEqual({ type: 'apiConsumedBy', targetRef: 'component:default/web' });
    expect(byRef.get('environment:default/production')?.spec).toEqual({ region: 'eu-west-1' });
  });

  it('writes scorecards.json in the documented shape, levels lowest first', async () => {
    const check = z.object({ id: z.string(), level: z.string(), result: z.enum(['pass', 'fail', 'unknown']) }).strict();
    const body = z
      .object({
        levels: z.array(z.object({ id: z.string(), title: z.string() }).strict()),
        scorecards: z.array(z.object({ id: z.string(), title: z.string() }).strict()),
        entities: z.array(z.object({ entityRef: z.string(), scorecard: z.string(), level: z.string().nullable(), checks: z.array(check) }).strict()),
      })
      .strict()
      .parse(JSON.parse(await page('api/scorecards.json')));
    expect(body.levels.map((l) => l.id)).toEqual(['bronze', 'silver', 'gold']);
    expect(body.scorecards).toEqual([{ id: 'default', title: 'Service health' }]);
    const web = body.entities.find((e) => e.entityRef === 'component:default/web');
    expect(web?.checks.find((c) => c.id === 'group-owner')?.result).toBe('pass');
    // Only components and APIs fall under the default scorecard.
    expect(body.entities.every((e) => /^(component|api):/.test(e.entityRef))).toBe(true);
    const csv = await page('scorecards/overview.csv');
    expect(csv.split('\r\n')[0]).toBe('team,scorecard,entities,no level,bronze,silver,gold,failing checks');
  });

  it('draws each entity\'s relation graph into its page, with the relations as a list', async () => {
    const html = await page('catalog/default/component/web/index.html');
    const svg = /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="relation-graph"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toContain('href="/catalog/default/group/team/"');
    expect(Buffer.byteLength(svg)).toBeLessThan(30 * 1024);
    expect(html).toContain('The same relations as a list');
  });

  it('renders a module plugin\'s card and its tab page, as text', async () => {
    const html = await page('catalog/default/component/web/index.html');
    expect(html).toContain('Now playing KEXP: &lt;b&gt;Heroes&lt;/b&gt;');
    expect(html).toContain('href="/catalog/default/component/web/team-radio/"');
    const tab = await page('catalog/default/component/web/team-radio/index.html');
    expect(tab).toContain('<h1>Radio</h1>');
    expect(tab).not.toContain('<b>Heroes</b>');
  });

  it('writes problems.json with places for every problem', async () => {
    const problems = z.array(problemSchema).parse(JSON.parse(await page('api/catalog/problems.json')));
    expect(problems.length).toBeGreaterThan(10);
    const syntax = problems.find((p) => p.message.startsWith('YAML syntax error'));
    expect(syntax).toMatchObject({ severity: 'error', repository: 'syntax', file: 'catalog-info.yaml', line: 24, column: 1 });
    const problemsPage = await page('catalog/problems/index.html');
    expect(problemsPage).toContain('Missing closing');
    expect(problemsPage).toContain('alias-bomb');
  });

  it('renders untrusted text inert', async () => {
    const raw = await page('catalog/default/component/web/index.html');
    // Text inside a quoted attribute value cannot open a tag (Astro escapes the quotes); look at markup only.
    const html = raw.replace(/="[^"]*"/g, '=""');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(raw).toContain('&lt;script&gt;alert');
    expect(raw).not.toMatch(/href="javascript:/i);
    expect(raw).toContain('unsafe link removed');
    const user = await page('catalog/default/user/jane/index.html');
    expect(user).not.toMatch(/src="javascript:/i);
    const api = (await page('catalog/default/api/graph/index.html')).replace(/="[^"]*"/g, '=""');
    expect(api).not.toContain('<script>alert');
  });

  it('builds docs pages with their own nav, rewritten links and copied images', async () => {
    const index = await page('docs/default/component/web/index.html');
    expect(index).toContain('href="/docs/default/component/web/setup/#steps"');
    expect(index).toContain('src="/docs/default/component/web/img/diagram.svg"');
    expect(await page('docs/default/component/web/img/diagram.svg')).toContain('<svg');
    expect(index).toMatch(/<a href="\/docs\/default\/component\/web\/setup\/"[^>]*>Setup<\/a>/);
    const setup = await page('docs/default/component/web/setup/index.html');
    expect(setup).toContain('class="admonition note"');
    expect(setup).toContain('rel="prev"');
    const entity = await page('catalog/default/component/web/index.html');
    expect(entity).toContain('href="/docs/default/component/web/"');
  });

  it('renders docs Markdown inert and reports its broken links', async () => {
    const raw = await page('docs/default/component/web/index.html');
    const index = raw.replace(/="[^"]*"/g, '=""');
    expect(index).not.toContain('<script>alert');
    expect(index).not.toMatch(/<[^>]*\son\w+=/i);
    expect(raw).not.toMatch(/(href|src)="javascript:/i);
    expect(raw).toContain('>click</a>');
    const problems = z.array(problemSchema).parse(JSON.parse(await page('api/catalog/problems.json')));
    expect(problems).toContainEqual(
      expect.objectContaining({ severity: 'warning', repository: 'web', file: 'docs/index.md', line: 11, message: 'link "old.md" points at old.md, which does not exist' }),
    );
  });

  it('writes a 404 page, robots.txt and a sitemap, and no path of the build machine', async () => {
    expect(await page('404.html')).toContain('Page not found');
    expect(await page('robots.txt')).toContain('Sitemap: https://portal.example.com/sitemap-index.xml');
    expect(await page('sitemap-0.xml')).toContain('<loc>https://portal.example.com/catalog/default/component/web/</loc>');
    const files = (await readdir(join(out, 'dist'), { recursive: true, withFileTypes: true })).filter((f) => f.isFile() && /\.(html|json|js|xml|txt|webmanifest)$/.test(f.name));
    for (const file of files) {
      const text = await readFile(join(file.parentPath, file.name), 'utf8');
      expect(text.includes(ROOT) || text.includes(out), `${file.name} mentions a local path`).toBe(false);
    }
  });

  it('has no inline scripts, so a strict Content-Security-Policy works', async () => {
    const pages = (await readdir(join(out, 'dist'), { recursive: true })).filter((f) => f.endsWith('.html'));
    for (const file of pages) {
      const markup = (await page(file)).replace(/="[^"]*"/g, (m) => (m.startsWith('="/') ? m : '=""'));
      expect(markup, file).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    }
  });

  it('renders API definitions: OpenAPI as operations, others highlighted at build time', async () => {
    const graph = await page('catalog/default/api/graph/index.html');
    expect(graph).toContain('class="astro-code');
    expect(graph).toContain('--shiki-dark');
    const index = await page('catalog/index.html');
    expect(index).toContain('data-kind="environment"');
  });

  it('reports a template that cannot run as a problem, and still builds the rest', async () => {
    const problems = z.array(problemSchema).parse(JSON.parse(await page('api/catalog/problems.json')));
    const broken = problems.find((p) => p.entityRef === 'template:default/broken-steps');
    expect(broken).toMatchObject({ severity: 'error', repository: 'templates', file: 'catalog-info.yaml' });
    expect(broken?.message).toContain('this template cannot run: spec.steps.0.action');
    const html = await page('catalog/default/template/broken-steps/index.html');
    expect(html).not.toContain('Open the form');
    // A skeleton outside the template's repository is never read; the form says why.
    const escaping = JSON.parse(await page('create/templates/default/escaping-skeleton/template.json'));
    expect(escaping.files).toEqual({});
    expect(escaping.notes.join(' ')).toContain("outside the template's repository");
  });

  it('ships Mermaid as its own prebuilt modules, not bundled again by every build', async () => {
    const vendored = (await readdir(join(out, 'dist/_vendor'))).filter((d) => d.startsWith('mermaid-'));
    expect(vendored).toHaveLength(1);
    expect((await readdir(join(out, 'dist/_vendor', vendored[0] ?? ''))).sort()).toEqual(['chunks', 'mermaid.esm.min.mjs']);
    // Without Mermaid, the client bundle is small: the site's own scripts and the template form.
    const bundled = (await readdir(join(out, 'dist/_astro'), { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.js'));
    let bytes = 0;
    for (const file of bundled) bytes += (await readFile(join(out, 'dist/_astro', file.name))).length;
    expect(bytes).toBeLessThan(400 * 1024);
  });
});
