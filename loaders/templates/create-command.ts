import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { buildCatalog, sourcesOf } from '../catalog/build-catalog.ts';
import { parseEntityRef, stringifyEntityRef } from '../catalog/refs.ts';
import { loadConfig } from '../config.ts';
import { diskTemplateFiles } from './disk-files.ts';
import { repositoryTemplateFiles } from './template-files.ts';
import type { TemplateFiles } from './fetch-actions.ts';
import { checkPage, defaultValues, readRepoUrl, type Schema } from './form-schema.ts';
import { actionSupport } from './actions.ts';
import { githubPublisher } from './publish-github.ts';
import { runTemplate } from './run-template.ts';
import { templateSpecSchema, type TemplateSpec } from './template-spec.ts';
import { safeJoin } from './workspace-paths.ts';

/**
 * `playbill create TEMPLATE --values FILE.json [--out DIR] [--publish]`: runs a template's
 * file-building steps exactly as the portal's form does, writes the files, and says what every
 * other step would do (or, with --publish, creates the repository on GitHub).
 */

export interface CreateOptions {
  template: string;
  /** A JSON file, or the JSON itself (as the form's copied command passes it). */
  values: string;
  out?: string;
  publish: boolean;
  /** The template's repository, when TEMPLATE is a file (default: the nearest folder with .git). */
  root?: string;
  force: boolean;
}

export interface CreateIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A user mistake: printed as is, exit code 1. */
class CreateError extends Error {}

const objectSchema = z.record(z.string(), z.unknown());

interface LoadedTemplate {
  spec: TemplateSpec;
  templatePath: string;
  files: TemplateFiles;
  label: string;
  apiUrl?: string;
}

function nearestRepositoryRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function specFrom(document: unknown, where: string): TemplateSpec {
  const entity = z.looseObject({ kind: z.string(), spec: z.unknown() }).safeParse(document);
  if (!entity.success || entity.data.kind !== 'Template') throw new CreateError(`${where} is not a kind: Template descriptor`);
  const spec = templateSpecSchema.safeParse(entity.data.spec);
  if (!spec.success) throw new CreateError(`${where}: ${spec.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return spec.data;
}

async function templateFromFile(path: string, options: CreateOptions, io: CreateIo): Promise<LoadedTemplate> {
  const file = resolve(io.cwd, path);
  const root = options.root !== undefined ? resolve(io.cwd, options.root) : (nearestRepositoryRoot(dirname(file)) ?? dirname(file));
  const templatePath = relative(root, file).split(sep).join('/');
  if (templatePath.startsWith('..')) throw new CreateError(`${path} is outside --root ${root}`);
  const documents = parseAllDocuments(await readFile(file, 'utf8'));
  const template = documents.map((d) => d.toJS({ maxAliasCount: 100 })).find((d) => objectSchema.safeParse(d).success && objectSchema.parse(d)['kind'] === 'Template');
  return { spec: specFrom(template, path), templatePath, files: diskTemplateFiles(root), label: path };
}

async function templateFromCatalog(ref: string, io: CreateIo): Promise<LoadedTemplate> {
  const loaded = loadConfig(io.env['PLAYBILL_CONFIG'] ?? 'playbill.config.yaml', io.cwd);
  let wanted: string;
  try {
    wanted = stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'template' }));
  } catch (error) {
    throw new CreateError(`"${ref}" is neither a file nor an entity ref (${error instanceof Error ? error.message : String(error)})`);
  }
  io.err(`Reading the catalog from ${relative(io.cwd, loaded.file) || loaded.file}…`);
  const catalog = await buildCatalog(sourcesOf(loaded, { cacheDir: join(loaded.root, 'node_modules/.astro') }), { extraKinds: loaded.config.catalog.extraKinds });
  const node = catalog.nodes.find((n) => n.ref === wanted);
  if (node === undefined) {
    const templates = catalog.nodes.filter((n) => n.entity.kind === 'Template').map((n) => n.ref);
    throw new CreateError(`no template ${wanted} in the catalog${templates.length > 0 ? `; there are: ${templates.join(', ')}` : ''}`);
  }
  if (node.entity.kind !== 'Template') throw new CreateError(`${wanted} is a ${node.entity.kind}, not a Template`);
  const repo = catalog.repositories.find((r) => r.name === node.source.repository);
  if (repo === undefined) throw new CreateError(`the repository of ${wanted} (${node.source.repository}) could not be read`);
  const github = loaded.config.sources.flatMap((s) => ('github' in s ? [s.github.apiUrl] : []))[0];
  return { spec: specFrom(node.entity, wanted), templatePath: node.source.file, files: repositoryTemplateFiles(repo), label: wanted, ...(github && { apiUrl: github }) };
}

async function readValues(values: string, io: CreateIo): Promise<Record<string, unknown>> {
  const text = values.trimStart().startsWith('{') ? values : await readFile(resolve(io.cwd, values), 'utf8').catch(() => {
    throw new CreateError(`cannot read the values file ${values}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CreateError(`the values are not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const object = objectSchema.safeParse(parsed);
  if (!object.success) throw new CreateError('the values must be a JSON object, e.g. {"name": "order-history"}');
  return object.data;
}

/** Runs the command; returns the exit code. */
export async function createProject(options: CreateOptions, io: CreateIo): Promise<number> {
  try {
    const asFile = resolve(io.cwd, options.template);
    const template = existsSync(asFile) && statSync(asFile).isFile() ? await templateFromFile(options.template, options, io) : await templateFromCatalog(options.template, io);
    const pages: Schema[] = template.spec.parameters === undefined ? [] : [template.spec.parameters].flat();
    const parameters = { ...defaultValues(pages), ...(await readValues(options.values, io)) };
    const problems = pages.flatMap((page) => [...checkPage(page, parameters)].map(([field, message]) => `  ${field}: ${message}`));
    if (problems.length > 0) throw new CreateError(`the values do not fill in the form:\n${problems.join('\n')}`);

    let publish;
    if (options.publish) {
      const token = io.env['GITHUB_TOKEN'];
      if (!token) throw new CreateError('--publish needs GITHUB_TOKEN in the environment (a token that may create repositories)');
      const apiUrl = io.env['GITHUB_API_URL'] ?? template.apiUrl ?? 'https://api.github.com';
      publish = githubPublisher({ apiUrl, token, log: (line) => io.err(`  ${line}`) });
    }
    const result = await runTemplate({ spec: template.spec, templatePath: template.templatePath, files: template.files, parameters, ...(publish && { publish }) });
    for (const step of result.steps) {
      // Only the GitHub publishing steps run with --publish; say so where it would help.
      const detail = step.outcome === 'not-run' && actionSupport(step.action) === 'publish' ? `${step.detail} Not run: add --publish.` : step.detail;
      io.out(`${step.outcome === 'failed' ? '✗' : step.outcome === 'wrote' || step.outcome === 'published' ? '✓' : '·'} ${step.name} (${step.action}): ${detail}`);
    }
    for (const warning of result.warnings) io.err(`warning: ${warning}`);
    const failedBeforeFiles = result.error !== undefined && !result.steps.some((s) => s.outcome === 'failed' && s.action.startsWith('publish:'));
    if (failedBeforeFiles) throw new CreateError(`step "${result.error?.step}" failed: ${result.error?.message}`);

    const name = readRepoUrl(parameters['repoUrl']).repo || (typeof parameters['name'] === 'string' ? parameters['name'] : '') || 'new-project';
    const outDir = resolve(io.cwd, options.out ?? name);
    const targets = [...result.files].map(([path, bytes]) => [join(outDir, safeJoin('', path, 'file')), bytes] as const);
    const existing = targets.filter(([path]) => existsSync(path)).map(([path]) => relative(io.cwd, path));
    if (existing.length > 0 && !options.force) throw new CreateError(`not overwriting ${existing.length} existing file(s) in ${relative(io.cwd, outDir) || '.'} (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}); choose another --out or add --force`);
    for (const [path, bytes] of targets) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    }
    io.out(`Wrote ${targets.length} files to ${relative(io.cwd, outDir) || '.'}`);
    if (result.error !== undefined) {
      io.err(`error: step "${result.error.step}" failed: ${result.error.message}`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.err(`playbill create: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
