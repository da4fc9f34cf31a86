/**
 * `npm run bench:github`: GitHub API requests and wall time of the crawl (listing, downloads,
 * parsing, graph) for a cold crawl, a rebuild with nothing changed and one with one
 * repository changed, against the fake GitHub server on 127.0.0.1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reposFromFolder, startFakeGithub } from '../test/support/fake-github.ts';
import { buildCatalog } from '../loaders/catalog/build-catalog.ts';
import { githubSource, githubSourceSchema } from '../loaders/sources/github.ts';
import { generateOrganisation } from './generate.ts';

const TOKEN = 'bench-token';
const rows: string[] = [];
for (const repos of [100, 1000]) {
  const dir = await mkdtemp(join(tmpdir(), 'playbill-bench-gh-'));
  await generateOrganisation(join(dir, 'org'), { repos, pages: repos * 2 });
  const fixtures = await reposFromFolder(join(dir, 'org'));
  const github = await startFakeGithub({ org: 'acme', token: TOKEN, repos: fixtures });
  const cacheDir = join(dir, 'cache');
  const run = async (scenario: string) => {
    const before = github.apiRequests();
    const started = performance.now();
    const source = githubSource({ config: githubSourceSchema.parse({ org: 'acme', apiUrl: github.apiUrl }), cacheDir, env: { GITHUB_TOKEN: TOKEN } });
    const catalog = await buildCatalog([source]);
    const seconds = (performance.now() - started) / 1000;
    rows.push(`| ${fixtures.length} | ${scenario} | ${github.apiRequests() - before} | ${seconds.toFixed(1)} | ${catalog.nodes.length} |`);
    process.stdout.write(`${rows.at(-1)}\n`);
  };
  await run('cold');
  await run('no change');
  const changed = fixtures.map((r) => (r.name === 'service-0' ? { ...r, files: { ...r.files, 'docs/index.md': `${r.files['docs/index.md']}\nChanged.\n` } } : r));
  github.setRepos(changed);
  await run('one repository changed');
  await github.close();
  await rm(dir, { recursive: true, force: true });
}
const table = ['| repositories | scenario | API requests | crawl s | entities |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
process.stdout.write(`\n${table}\n`);
await writeFile(join(import.meta.dirname, 'out/github.md'), `${table}\n`).catch(() => undefined);
