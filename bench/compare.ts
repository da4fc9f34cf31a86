/**
 * `npm run bench:compare`: Playbill against MkDocs + Material and Starlight on the same docs
 * pages, measured one after the other in one run on this machine.
 *
 *   npm run bench:compare                      # 400 repositories, 1,231 docs pages
 *   npm run bench:compare -- --size 100:300
 *
 * Playbill builds the whole portal (catalog and docs); MkDocs and Starlight build the docs
 * pages only (one site holding every repository's docs, the usual way to put them together).
 * Every tool starts cold (its output and caches removed). MkDocs comes from Debian
 * (`apt-get install mkdocs mkdocs-material python3-pymdownx`); Starlight is installed from
 * npm into bench/out/starlight on the first run. A tool that is missing is skipped, saying so.
 * Writes bench/out/compare.json.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateOrganisation } from './generate.ts';
import { build, measureCommand } from './measure.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench/out');
const MATERIAL_THEME = '/usr/share/mkdocs/themes/material';

interface Row {
  tool: string;
  scenario: string;
  wallSeconds: number;
  peakMiB: number;
  pages: number;
}

const { values } = parseArgs({ options: { size: { type: 'string', default: '400:1231' } } });
const [repos = 400, pages = 1231] = (values.size ?? '').split(':').map(Number);
const dir = join(OUT, `compare-${repos}-${pages}`);
const org = join(dir, 'org');
await mkdir(dir, { recursive: true });
const generated = await generateOrganisation(org, { repos, pages });
process.stdout.write(`${repos} repositories, ${generated.entities} entities, ${generated.pages} docs pages\n`);
const rows: Row[] = [];
const log = join(dir, 'compare.log');
await rm(log, { force: true });

/** Every docs page of the organisation: repository, path inside docs/, and text. */
async function docsPages(): Promise<{ repo: string; path: string; text: string }[]> {
  const found: { repo: string; path: string; text: string }[] = [];
  for (const repo of (await readdir(org)).sort()) {
    const docs = join(org, repo, 'docs');
    if (!existsSync(docs)) continue;
    for (const file of (await readdir(docs, { recursive: true })).sort()) {
      if (file.endsWith('.md')) found.push({ repo, path: file, text: await readFile(join(docs, file), 'utf8') });
    }
  }
  return found;
}

const count = async (folder: string) => (await readdir(folder, { recursive: true })).filter((f) => f.endsWith('.html')).length;

// Playbill: cold, nothing changed, one repository's docs changed (as `npm run bench`).
{
  const config = join(dir, 'playbill.config.yaml');
  await writeFile(config, 'site:\n  title: Bench\nsources:\n  - local:\n      path: ./org\n');
  const cache = join(dir, 'cache');
  const outDir = join(dir, 'dist');
  await rm(cache, { recursive: true, force: true });
  const measure = async (scenario: string) => {
    await rm(outDir, { recursive: true, force: true });
    const run = await build(config, cache, outDir, log);
    rows.push({ tool: 'Playbill (catalog + docs)', scenario, wallSeconds: run.seconds, peakMiB: run.peak / 1048576, pages: await count(outDir) });
    process.stdout.write(`  Playbill ${scenario}: ${run.seconds.toFixed(1)} s\n`);
  };
  await measure('cold');
  // Nothing changed: the last output is put back, right after the cold build too.
  await measure('nothing changed (first after cold)');
  await measure('nothing changed');
  const page = join(org, 'service-0/docs/index.md');
  await writeFile(page, `${await readFile(page, 'utf8')}\n\nEdited for the benchmark at ${new Date().toISOString()}.\n`);
  await measure('one repository\'s docs changed');
}

// MkDocs + Material: one site with every repository's docs under its own folder.
if (existsSync('/usr/bin/mkdocs') && existsSync(MATERIAL_THEME)) {
  const project = join(dir, 'mkdocs');
  await rm(project, { recursive: true, force: true });
  for (const { repo, path, text } of await docsPages()) {
    await mkdir(join(project, 'docs', repo, path, '..'), { recursive: true });
    await writeFile(join(project, 'docs', repo, path), text);
  }
  await writeFile(join(project, 'docs/index.md'), '# Bench\n');
  await writeFile(
    join(project, 'mkdocs.yml'),
    [
      'site_name: Bench',
      'theme:',
      '  name: null',
      `  custom_dir: ${MATERIAL_THEME}`,
      // Debian installs Material's files, not its theme entry point: its defaults, spelled out.
      '  language: en',
      '  features: []',
      '  palette: { primary: indigo, accent: indigo }',
      '  font: { text: Roboto, code: Roboto Mono }',
      '  favicon: assets/images/favicon.png',
      '  icon: {}',
      'plugins: [search]',
      'markdown_extensions: [admonition, tables, toc, attr_list, pymdownx.highlight, pymdownx.superfences, pymdownx.details]',
      '',
    ].join('\n'),
  );
  const run = await measureCommand('/usr/bin/mkdocs', ['build', '--quiet', '--site-dir', join(project, 'site')], { cwd: project }, log);
  rows.push({ tool: 'MkDocs + Material (docs only)', scenario: 'cold', wallSeconds: run.seconds, peakMiB: run.peak / 1048576, pages: await count(join(project, 'site')) });
  process.stdout.write(`  MkDocs: ${run.seconds.toFixed(1)} s\n`);
} else process.stdout.write('  MkDocs + Material skipped: apt-get install mkdocs mkdocs-material python3-pymdownx\n');

// Starlight, the Astro docs theme, with its own Pagefind search.
{
  const project = join(OUT, 'starlight');
  const astroVersion = JSON.parse(await readFile(join(ROOT, 'node_modules/astro/package.json'), 'utf8')).version;
  if (!existsSync(join(project, 'node_modules/@astrojs/starlight'))) {
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'starlight-bench', private: true, type: 'module', dependencies: { astro: astroVersion, '@astrojs/starlight': '^0.42.4' } }, null, 2));
    process.stdout.write('  installing Starlight into bench/out/starlight (first run only)…\n');
    await measureCommand('npm', ['install', '--no-audit', '--no-fund'], { cwd: project }, log).catch((error: unknown) => {
      process.stdout.write(`  Starlight could not be installed (${String(error)}); skipped\n`);
    });
  }
  if (existsSync(join(project, 'node_modules/@astrojs/starlight'))) {
    await rm(join(project, 'src'), { recursive: true, force: true });
    await rm(join(project, 'dist'), { recursive: true, force: true });
    await rm(join(project, 'node_modules/.astro'), { recursive: true, force: true });
    await writeFile(join(project, 'astro.config.mjs'), "import { defineConfig } from 'astro/config';\nimport starlight from '@astrojs/starlight';\nexport default defineConfig({ integrations: [starlight({ title: 'Bench' })] });\n");
    await mkdir(join(project, 'src/content/docs'), { recursive: true });
    await writeFile(join(project, 'src/content.config.ts'), "import { defineCollection } from 'astro:content';\nimport { docsLoader } from '@astrojs/starlight/loaders';\nimport { docsSchema } from '@astrojs/starlight/schema';\nexport const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };\n");
    await writeFile(join(project, 'src/content/docs/index.md'), '---\ntitle: Bench\n---\n');
    for (const { repo, path, text } of await docsPages()) {
      const title = /^#\s+(.+)$/m.exec(text)?.[1] ?? path;
      await mkdir(join(project, 'src/content/docs', repo, path, '..'), { recursive: true });
      await writeFile(join(project, 'src/content/docs', repo, path), `---\ntitle: ${JSON.stringify(title)}\n---\n${text.replace(/^#\s+.+$/m, '')}`);
    }
    const run = await measureCommand(process.execPath, [join(project, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: project, env: { ASTRO_TELEMETRY_DISABLED: '1' } }, log);
    rows.push({ tool: 'Starlight (docs only)', scenario: 'cold', wallSeconds: run.seconds, peakMiB: run.peak / 1048576, pages: await count(join(project, 'dist')) });
    process.stdout.write(`  Starlight: ${run.seconds.toFixed(1)} s\n`);
  }
}
await cp(log, join(OUT, 'compare.log')).catch(() => undefined);

const playbillCold = rows.find((r) => r.tool.startsWith('Playbill') && r.scenario === 'cold')?.wallSeconds ?? NaN;
const lines = [
  '| tool | scenario | wall s | peak MiB | HTML pages | vs Playbill cold |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.tool} | ${r.scenario} | ${r.wallSeconds.toFixed(1)} | ${Math.round(r.peakMiB)} | ${r.pages} | ${r.tool.startsWith('Playbill') ? `${Math.round((r.wallSeconds / playbillCold) * 100)}% of cold` : `Playbill is ${(r.wallSeconds / playbillCold).toFixed(2)}x faster`} |`),
];
process.stdout.write(`\n${lines.join('\n')}\n`);
await writeFile(join(OUT, 'compare.json'), JSON.stringify({ date: new Date().toISOString(), size: { repos, pages: generated.pages, entities: generated.entities }, rows }, null, 2));
