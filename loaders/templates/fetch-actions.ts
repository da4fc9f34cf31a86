import picomatch from 'picomatch/posix.js';
import * as z from 'zod/mini';
import { isBinaryFile } from './binary-files.ts';
import { renderTemplate, type RenderOptions } from './nunjucks/render.ts';
import { SCAFFOLDER_FILTERS } from './scaffolder-filters.ts';
import { resolveInRepository } from '../catalog/repository-paths.ts';
import { PathOutsideError, safeJoin } from './workspace-paths.ts';

/**
 * Backstage's file-building actions, `fetch:template`, `fetch:plain`, `fetch:template:file` and
 * `fetch:plain:file`, over an in-memory workspace. Their rules are Backstage's: which paths are
 * rendered, which are copied, when a file is skipped, and when a step fails.
 */

/** The files of the template's repository that a run may read. Paths are repository-relative. */
export interface TemplateFiles {
  /** Every file under `dir`, as repository-relative paths; undefined when there is no such folder. */
  listFiles(dir: string): Promise<string[] | undefined>;
  /** A file's bytes, or undefined. */
  readFile(path: string): Promise<Uint8Array | undefined>;
}

/** The new project, file by file (workspace-relative POSIX path → bytes). */
export type Workspace = Map<string, Uint8Array>;

/** Limits that stop a runaway template. */
export interface WorkspaceLimits {
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_WORKSPACE_LIMITS: WorkspaceLimits = { maxFiles: 10_000, maxBytes: 100 * 1024 * 1024 };

/** Thrown when a step's input is wrong or its files cannot be built; the run stops, as in Backstage. */
export class StepError extends Error {}

/** Where a file-building step reads from. */
export interface ActionContext {
  files: TemplateFiles;
  /** Repository-relative path of the template file; `url`s are relative to it. */
  templatePath: string;
  workspace: Workspace;
  limits: WorkspaceLimits;
  renderLimits?: RenderOptions['limits'];
}

/** What a file-building step did. */
export interface ActionResult {
  written: string[];
  /** Set when the step read nothing because its skeleton is at a remote URL. */
  remoteUrl?: string;
  notes: string[];
}

const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const textEncoder = new TextEncoder();

// zod/mini: these schemas run in the browser too, where every kilobyte of script counts.
const templateInput = z.looseObject({
  url: z.string({ error: 'url is required: where the skeleton is, relative to the template file' }),
  targetPath: z.optional(z.string({ error: 'targetPath must be text' })),
  values: z.optional(z.record(z.string(), z.unknown(), { error: 'values must be an object' })),
  copyWithoutRender: z.optional(z.array(z.string(), { error: 'copyWithoutRender must be a list of globs' })),
  copyWithoutTemplating: z.optional(z.array(z.string(), { error: 'copyWithoutTemplating must be a list of globs' })),
  cookiecutterCompat: z.optional(z.boolean({ error: 'cookiecutterCompat must be true or false' })),
  templateFileExtension: z.optional(z.union([z.string(), z.boolean()], { error: 'templateFileExtension must be text or true' })),
  replace: z.optional(z.boolean({ error: 'replace must be true or false' })),
});

const plainInput = z.looseObject({
  url: z.string({ error: 'url is required: where the files are, relative to the template file' }),
  targetPath: z.optional(z.string({ error: 'targetPath must be text' })),
});

const fileInput = z.looseObject({
  url: z.string({ error: 'url is required: the file to fetch, relative to the template file' }),
  targetPath: z.string({ error: 'targetPath is required: where the file goes in the new project' }),
  values: z.optional(z.record(z.string(), z.unknown(), { error: 'values must be an object' })),
  cookiecutterCompat: z.optional(z.boolean({ error: 'cookiecutterCompat must be true or false' })),
  replace: z.optional(z.boolean({ error: 'replace must be true or false' })),
});

function parseInput<T>(schema: z.ZodMiniType<T>, input: unknown, action: string): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new StepError(`${action}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')}`);
}

/** True for `https://…` and other absolute URLs, which only Backstage fetches. */
export function isRemoteUrl(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}

/** The skeleton's repository-relative location, refused when it leaves the repository. */
function resolveUrl(url: string, context: ActionContext, action: string): string {
  const resolved = resolveInRepository(context.templatePath, url);
  if (resolved === undefined) {
    throw new StepError(`${action}: url "${url}" points outside the template's repository; a template may read only its own repository`);
  }
  return resolved;
}

/** Node's path.extname: the last dot of the file name, not a leading one. */
function extnameOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

function relativeTo(dir: string, path: string): string {
  return dir === '' ? path : path.slice(dir.length + 1);
}

const workspaceBytes = new WeakMap<Workspace, number>();

function put(context: ActionContext, path: string, bytes: Uint8Array): void {
  if (!context.workspace.has(path) && context.workspace.size >= context.limits.maxFiles) {
    throw new StepError(`the template wrote more than ${context.limits.maxFiles} files and was stopped`);
  }
  const total = (workspaceBytes.get(context.workspace) ?? 0) - (context.workspace.get(path)?.length ?? 0) + bytes.length;
  workspaceBytes.set(context.workspace, total);
  context.workspace.set(path, bytes);
  if (total > context.limits.maxBytes) throw new StepError(`the template wrote more than ${Math.round(context.limits.maxBytes / 1048576)} MiB and was stopped`);
}

function joinInside(root: string, child: string, action: string): string {
  try {
    return safeJoin(root, child, 'the path');
  } catch (error) {
    if (error instanceof PathOutsideError) throw new StepError(`${action}: ${error.message}`);
    throw error;
  }
}

function targetRoot(targetPath: string | undefined, action: string): string {
  return joinInside('', targetPath ?? './', action);
}

/** `fetch:template`: renders a skeleton folder's file names and contents into the workspace. */
export async function fetchTemplate(rawInput: unknown, context: ActionContext): Promise<ActionResult> {
  const action = 'fetch:template';
  const input = parseInput(templateInput, rawInput, action);
  if (input.copyWithoutRender && input.copyWithoutTemplating) throw new StepError(`${action}: copyWithoutRender and copyWithoutTemplating can not be used at the same time`);
  if (input.templateFileExtension && (input.copyWithoutRender || input.copyWithoutTemplating || input.cookiecutterCompat)) {
    throw new StepError(`${action}: input extension incompatible with copyWithoutRender/copyWithoutTemplating and cookiecutterCompat`);
  }
  if (isRemoteUrl(input.url)) return { written: [], remoteUrl: input.url, notes: [] };
  let extension: string | false = false;
  if (input.templateFileExtension) {
    extension = input.templateFileExtension === true ? '.njk' : input.templateFileExtension;
    if (!extension.startsWith('.')) extension = `.${extension}`;
  }
  const skeleton = resolveUrl(input.url, context, action);
  const entries = await context.files.listFiles(skeleton);
  if (entries === undefined) throw new StepError(`${action}: there is no folder "${input.url}" next to the template (looked for ${skeleton || '.'} in its repository)`);
  const outputRoot = targetRoot(input.targetPath, action);
  const renderFilename = input.copyWithoutTemplating !== undefined;
  const patterns = input.copyWithoutTemplating ?? input.copyWithoutRender ?? [];
  const isNonTemplated = patterns.length === 0 ? () => false : picomatch(patterns, { dot: true });
  const cookiecutterCompat = input.cookiecutterCompat === true;
  const renderContext = { [cookiecutterCompat ? 'cookiecutter' : 'values']: input.values ?? {} };
  const options: RenderOptions = { cookiecutterCompat, filters: SCAFFOLDER_FILTERS, ...(context.renderLimits && { limits: context.renderLimits }) };
  const render = (text: string) => renderTemplate(text, renderContext, options);
  const written: string[] = [];
  const notes: string[] = [];
  for (const location of [...entries].sort()) {
    const relative = relativeTo(skeleton, location);
    let renderContents: boolean;
    let localOutputPath = relative;
    try {
      if (extension) {
        renderContents = extnameOf(localOutputPath) === extension;
        if (renderContents) localOutputPath = localOutputPath.slice(0, -extension.length);
        localOutputPath = render(localOutputPath);
      } else {
        renderContents = !isNonTemplated(relative);
        if (renderFilename || renderContents) localOutputPath = render(localOutputPath);
      }
    } catch (error) {
      throw new StepError(`${action}: the file name ${relative}: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A path that renders empty (a whole name, a folder) is skipped, as in Backstage.
    if (localOutputPath === '' || localOutputPath.startsWith('/') || localOutputPath.includes('//')) {
      notes.push(`${relative}: its name renders empty, skipped`);
      continue;
    }
    const outputPath = joinInside(outputRoot, localOutputPath, action);
    if (context.workspace.has(outputPath) && input.replace !== true) continue;
    const bytes = await context.files.readFile(location);
    if (bytes === undefined) continue;
    if (isBinaryFile(bytes) || !renderContents) {
      put(context, outputPath, bytes);
    } else {
      let rendered: string;
      try {
        rendered = render(textDecoder.decode(bytes));
      } catch (error) {
        throw new StepError(`${action}: ${relative}: ${error instanceof Error ? error.message : String(error)}`);
      }
      put(context, outputPath, textEncoder.encode(rendered));
    }
    written.push(outputPath);
  }
  return { written, notes };
}

/** `fetch:plain`: copies a folder (or one file) unchanged into the workspace. */
export async function fetchPlain(rawInput: unknown, context: ActionContext): Promise<ActionResult> {
  const action = 'fetch:plain';
  const input = parseInput(plainInput, rawInput, action);
  if (isRemoteUrl(input.url)) return { written: [], remoteUrl: input.url, notes: [] };
  const source = resolveUrl(input.url, context, action);
  const outputRoot = targetRoot(input.targetPath, action);
  const entries = await context.files.listFiles(source);
  const written: string[] = [];
  if (entries === undefined) {
    const bytes = await context.files.readFile(source);
    if (bytes === undefined) throw new StepError(`${action}: there is nothing at "${input.url}" next to the template`);
    const name = source.slice(source.lastIndexOf('/') + 1);
    const outputPath = joinInside(outputRoot, name, action);
    put(context, outputPath, bytes);
    return { written: [outputPath], notes: [] };
  }
  for (const location of [...entries].sort()) {
    const bytes = await context.files.readFile(location);
    if (bytes === undefined) continue;
    const outputPath = joinInside(outputRoot, relativeTo(source, location), action);
    put(context, outputPath, bytes);
    written.push(outputPath);
  }
  return { written, notes: [] };
}

/** `fetch:plain:file`: copies one file unchanged to `targetPath`. */
export async function fetchPlainFile(rawInput: unknown, context: ActionContext): Promise<ActionResult> {
  const action = 'fetch:plain:file';
  const input = parseInput(fileInput, rawInput, action);
  if (isRemoteUrl(input.url)) return { written: [], remoteUrl: input.url, notes: [] };
  const source = resolveUrl(input.url, context, action);
  const bytes = await context.files.readFile(source);
  if (bytes === undefined) throw new StepError(`${action}: there is no file "${input.url}" next to the template`);
  const outputPath = joinInside('', input.targetPath, action);
  put(context, outputPath, bytes);
  return { written: [outputPath], notes: [] };
}

/** `fetch:template:file`: renders one file to `targetPath`. */
export async function fetchTemplateFile(rawInput: unknown, context: ActionContext): Promise<ActionResult> {
  const action = 'fetch:template:file';
  const input = parseInput(fileInput, rawInput, action);
  const outputPath = joinInside('', input.targetPath, action);
  if (context.workspace.has(outputPath) && input.replace !== true) return { written: [], notes: [`${input.targetPath} already exists, not replaced`] };
  if (isRemoteUrl(input.url)) return { written: [], remoteUrl: input.url, notes: [] };
  const source = resolveUrl(input.url, context, action);
  const bytes = await context.files.readFile(source);
  if (bytes === undefined) throw new StepError(`${action}: there is no file "${input.url}" next to the template`);
  const cookiecutterCompat = input.cookiecutterCompat === true;
  let rendered: string;
  try {
    rendered = renderTemplate(textDecoder.decode(bytes), { [cookiecutterCompat ? 'cookiecutter' : 'values']: input.values ?? {} }, {
      cookiecutterCompat,
      filters: SCAFFOLDER_FILTERS,
      ...(context.renderLimits && { limits: context.renderLimits }),
    });
  } catch (error) {
    throw new StepError(`${action}: ${input.url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  put(context, outputPath, textEncoder.encode(rendered));
  return { written: [outputPath], notes: [] };
}

export const FILE_ACTION_RUNNERS: Record<string, (input: unknown, context: ActionContext) => Promise<ActionResult>> = {
  'fetch:template': fetchTemplate,
  'fetch:plain': fetchPlain,
  'fetch:plain:file': fetchPlainFile,
  'fetch:template:file': fetchTemplateFile,
};
