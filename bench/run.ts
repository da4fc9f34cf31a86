/**
 * `npm run bench`: builds synthetic portals and measures them.
 *
 *   npm run bench                 # 100 repos / 1,000 docs pages and 1,000 repos / 2,000 pages
 *   npm run bench -- --full       # also 2,500 entities + 10,000 docs pages (the target size)
 *   npm run bench -- --sizes 100:1000
 *   npm run bench -- --source local    # or github; both by default
 *
 * Scenarios per size and source: a cold build (empty caches), a rebuild with nothing changed
 * (twice: right after the cold build, and again), and a rebuild after one repository's docs
 * changed, each as `npm run build` runs it. The
 * GitHub source is the fake GitHub server on 127.0.0.1, and its API requests are counted.
 * Prints a table and writes bench/out/results.json.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { reposFromFolder, startFakeGithub } from '../test/support/fake-github.ts';
import { generateOrganisation } from './generate.ts';
import { build, folderStats } from './measure.ts';

const TOKEN = 'bench-token';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench/out');

interface Measurement {
  size: string;
  scenario: string;
  wallSeconds: number;
  pages: number;
  pagesPerSecond: number;
  peakRssMiB: number;
  outputMiB: number;
  outputFiles: number;
  pagefindMs?: number;
  indexKiB?: number;
  docsMs?: number;
  /** Time to extract, lay out and draw every relation graph. */
  graphsMs?: number;
  /** Time to evaluate every scorecard. */
  scorecardsMs?: number;
  /** Median size of the relation-graph SVG on an entity page. */
  graphSvgKiB?: number;
  githubRequests: string;
}

/**
 * The three scenarios for one size, with the organisation read from a local folder or
 * served by the fake GitHub server on 127.0.0.1 (then the API requests are counted).
 */
async function runSize(repos: number, pages: number, source: 'local' | 'github'): Promise<Measurement[]> {
  const size = `${repos} repos / ${pages} docs (${source})`;
  const dir = join(OUT, `org-${repos}-${pages}`);
  const org = join(dir, 'org');
  const { entities } = await generateOrganisation(org, { repos, pages });
  const github = source === 'github' ? await startFakeGithub({ org: 'acme', token: TOKEN, repos: await reposFromFolder(org) }) : undefined;
  const config = join(dir, `playbill.${source}.config.yaml`);
  const sourceYaml = github ? `  - github:\n      org: acme\n      apiUrl: ${github.apiUrl}\n` : '  - local:\n      path: ./org\n';
  await writeFile(config, `site:\n  title: Bench ${size}\nsources:\n${sourceYaml}`);
  const cacheDir = join(dir, `cache-${source}`);
  const outDir = join(dir, 'dist');
  const logFile = join(dir, `build-${source}.log`);
  await rm(cacheDir, { recursive: true, force: true });
  await rm(logFile, { force: true });
  process.stdout.write(`\n${size}: ${entities} entities\n`);

  const results: Measurement[] = [];
  const measure = async (scenario: string) => {
    // As in CI: the output folder starts empty; only the cache folder is kept between builds.
    await rm(outDir, { recursive: true, force: true });
    const before = github?.apiRequests() ?? 0;
    const run = await build(config, cacheDir, outDir, logFile, github ? { GITHUB_TOKEN: TOKEN } : {});
    const out = await folderStats(outDir);
    const search = /\[playbill:search\] (?:indexed \d+ pages|no page changed, index reused) in (\d+) ms(?: \([^)]*\))?; index (\d+) files(?: \([^)]*\))?, (\d+) KiB/.exec(run.log);
    const docs = /\[playbill:docs\] \d+ pages for \d+ entities in (\d+) ms/.exec(run.log);
    const graphs = /\[playbill:graphs\] \d+ drawings in (\d+) ms/.exec(run.log);
    const scorecards = /\[playbill:scorecards\] \d+ results on \d+ scorecards? in (\d+) ms/.exec(run.log);
    const svgKiB = await medianGraphKiB(outDir);
    const m: Measurement = {
      size,
      scenario,
      wallSeconds: Number(run.seconds.toFixed(1)),
      pages: out.pages,
      pagesPerSecond: Math.round(out.pages / run.seconds),
      peakRssMiB: Math.round(run.peak / 1024 / 1024),
      outputMiB: Number((out.bytes / 1024 / 1024).toFixed(1)),
      outputFiles: out.files,
      ...(search ? { pagefindMs: Number(search[1]), indexKiB: Number(search[3]) } : {}),
      ...(docs ? { docsMs: Number(docs[1]) } : {}),
      ...(graphs ? { graphsMs: Number(graphs[1]) } : {}),
      ...(scorecards ? { scorecardsMs: Number(scorecards[1]) } : {}),
      ...(svgKiB !== undefined ? { graphSvgKiB: svgKiB } : {}),
      githubRequests: github ? String(github.apiRequests() - before) : 'n/a',
    };
    process.stdout.write(`  ${scenario}: ${m.wallSeconds} s, ${m.pagesPerSecond} pages/s, peak ${m.peakRssMiB} MiB${github ? `, ${m.githubRequests} GitHub requests` : ''}\n`);
    results.push(m);
  };

  try {
    await measure('cold');
    // Nothing changed: the last output is put back (see README, Fast rebuilds), right after
    // the cold build too (which compared scorecards with no last build, as this one with the same).
    await measure('no change (first after cold)');
    await measure('no change');
    const edited = `\n\nEdited for the benchmark at ${new Date().toISOString()}.\n`;
    if (github) {
      const fixtures = await reposFromFolder(org);
      github.setRepos(fixtures.map((r) => (r.name === 'service-0' ? { ...r, files: { ...r.files, 'docs/index.md': `${r.files['docs/index.md'] ?? ''}${edited}` } } : r)));
    } else {
      const page = join(org, 'service-0/docs/index.md');
      await writeFile(page, `${await readFile(page, 'utf8')}${edited}`);
    }
    await measure('one repo docs changed');
  } finally {
    await github?.close();
  }
  return results;
}

/** Median size of the relation-graph SVGs inlined in entity pages (component pages, 200 at most). */
async function medianGraphKiB(outDir: string): Promise<number | undefined> {
  const folder = join(outDir, 'catalog/default/component');
  const names = (await readdir(folder).catch(() => [])).slice(0, 200);
  const sizes: number[] = [];
  for (const name of names) {
    const html = await readFile(join(folder, name, 'index.html'), 'utf8').catch(() => '');
    const svg = /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="relation-graph"[\s\S]*?<\/svg>/.exec(html)?.[0];
    if (svg) sizes.push(Buffer.byteLength(svg));
  }
  sizes.sort((a, b) => a - b);
  const middle = sizes[Math.floor(sizes.length / 2)];
  return middle === undefined ? undefined : Number((middle / 1024).toFixed(1));
}

function table(rows: Measurement[]): string {
  const head = ['size', 'scenario', 'wall s', 'pages', 'pages/s', 'peak MiB', 'out MiB', 'files', 'docs ms', 'graphs ms', 'graph SVG KiB', 'scorecards ms', 'pagefind ms', 'index KiB', 'GitHub requests'];
  const body = rows.map((r) =>
    [r.size, r.scenario, r.wallSeconds, r.pages, r.pagesPerSecond, r.peakRssMiB, r.outputMiB, r.outputFiles, r.docsMs ?? '', r.graphsMs ?? '', r.graphSvgKiB ?? '', r.scorecardsMs ?? '', r.pagefindMs ?? '', r.indexKiB ?? '', r.githubRequests].map(String),
  );
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, sizes: { type: 'string' }, source: { type: 'string', default: 'both' } } });
if (!['local', 'github', 'both'].includes(values.source)) throw new Error(`--source wants local, github or both, not "${values.source}"`);
const sources = (['local', 'github'] as const).filter((s) => values.source === 'both' || values.source === s);
/** `100:1000` → 100 repositories, 1,000 docs pages. */
function parseSize(text: string): [number, number] {
  const [repos, pages] = text.split(':').map(Number);
  if (!repos || pages === undefined || Number.isNaN(pages)) throw new Error(`--sizes wants repos:pages, e.g. 100:1000, not "${text}"`);
  return [repos, pages];
}
const defaults: [number, number][] = [[100, 1000], [1000, 2000]];
// 830 repositories make about 2,500 entities (component, API and resource each, plus teams).
if (values.full) defaults.push([830, 10000]);
const sizes = values.sizes ? values.sizes.split(',').map(parseSize) : defaults;
await mkdir(OUT, { recursive: true });
const results: Measurement[] = [];
for (const [repos, pages] of sizes) for (const source of sources) results.push(...(await runSize(repos, pages, source)));
const report = table(results);
process.stdout.write(`\n${report}\n`);
await writeFile(join(OUT, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
process.stdout.write(`\nwrote ${join(OUT, 'results.json')}\n`);
