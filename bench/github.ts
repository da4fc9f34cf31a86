/**
 * `npm run bench:github`: GitHub API requests and wall time of the crawl (listing, downloads,
 * parsing, graph) for a cold crawl, a rebuild with nothing changed and one with one
 * repository changed, against the fake GitHub server on 127.0.0.1; then the GitHub plugin over
 * the crawled catalog (requests and time, cold and with nothing changed).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reposFromFolder, startFakeGithub } from '../test/support/fake-github.ts';
import { buildCatalog } from '../loaders/catalog/build-catalog.ts';
import { githubGraphql, githubSource, githubSourceSchema } from '../loaders/sources/github.ts';
import { erasePlugin } from '../loaders/plugins/api.ts';
import { github as githubPlugin } from '../loaders/plugins/builtin/github.ts';
import { PluginCache } from '../loaders/plugins/plugin-cache.ts';
import { runPlugins } from '../loaders/plugins/run-plugins.ts';
import { generateOrganisation } from './generate.ts';

const TOKEN = 'bench-token';
const rows: string[] = [];
const pluginRows: string[] = [];
for (const repos of [100, 1000]) {
  const dir = await mkdtemp(join(tmpdir(), 'playbill-bench-gh-'));
  await generateOrganisation(join(dir, 'org'), { repos, pages: repos * 2 });
  const fixtures = await reposFromFolder(join(dir, 'org'));
  const github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: fixtures });
  const cacheDir = join(dir, 'cache');
  const config = githubSourceSchema.parse({ org: 'acme', apiUrl: github.apiUrl });
  const run = async (scenario: string) => {
    const before = github.apiRequests();
    const started = performance.now();
    const source = githubSource({ config, cacheDir, env: { GITHUB_TOKEN: TOKEN } });
    const catalog = await buildCatalog([source]);
    const seconds = (performance.now() - started) / 1000;
    rows.push(`| ${fixtures.length} | ${scenario} | ${github.apiRequests() - before} | ${seconds.toFixed(1)} | ${catalog.nodes.length} |`);
    process.stdout.write(`${rows.at(-1)}\n`);
    return catalog;
  };
  /** The GitHub plugin over the crawled catalog, with its cache kept as a build keeps it. */
  const runPlugin = async (scenario: string, catalog: Awaited<ReturnType<typeof run>>) => {
    const cache = new PluginCache();
    await cache.load(join(cacheDir, 'plugins.json'));
    const before = github.apiRequests();
    const started = performance.now();
    const results = await runPlugins(catalog.nodes, [{ plugin: erasePlugin(githubPlugin), options: githubPlugin.options.parse({}) }], {
      cache,
      github: githubGraphql({ config, cacheDir, env: { GITHUB_TOKEN: TOKEN } }),
      commits: new Map(catalog.repositories.flatMap((r) => (r.commit ? [[r.name, r.commit]] : []))),
    });
    await cache.save(join(cacheDir, 'plugins.json'));
    const seconds = (performance.now() - started) / 1000;
    pluginRows.push(`| ${fixtures.length} | ${scenario} | ${github.apiRequests() - before} | ${seconds.toFixed(2)} | ${results.cards.size} |`);
    process.stdout.write(`plugin ${pluginRows.at(-1)}\n`);
  };
  await runPlugin('cold', await run('cold'));
  await runPlugin('no change', await run('no change'));
  const changed = fixtures.map((r) => (r.name === 'service-0' ? { ...r, files: { ...r.files, 'docs/index.md': `${r.files['docs/index.md']}\nChanged.\n` } } : r));
  github.setRepos(changed);
  await run('one repository changed');
  await github.close();
  await rm(dir, { recursive: true, force: true });
}
const table = [
  '| repositories | scenario | API requests | crawl s | entities |',
  '| --- | --- | --- | --- | --- |',
  ...rows,
  '',
  'GitHub plugin over the crawled catalog:',
  '',
  '| repositories | scenario | API requests | plugin s | entities with a card |',
  '| --- | --- | --- | --- | --- |',
  ...pluginRows,
].join('\n');
process.stdout.write(`\n${table}\n`);
await writeFile(join(import.meta.dirname, 'out/github.md'), `${table}\n`).catch(() => undefined);
