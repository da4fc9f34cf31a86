import { z } from 'zod';
import type { Catalog } from '../catalog/build-catalog.ts';
import type { CatalogNode } from '../catalog/graph.ts';
import type { Logger } from '../logger.ts';
import { makeProblem, type Problem } from '../problems.ts';
import type { Repository } from '../sources/source.ts';
import { FileTooLargeError, PathEscapeError } from '../sources/source.ts';
import { actionSupport, supportOf } from './actions.ts';
import { isRemoteUrl } from './fetch-actions.ts';
import { isBinaryFile } from './binary-files.ts';
import { annotatePickers } from './pickers.ts';
import { repositoryTemplateFiles } from './template-files.ts';
import { templateSpecSchema, type TemplateStep } from './template-spec.ts';
import { resolveInRepository } from '../catalog/repository-paths.ts';

/**
 * Build-time side of templates: for every Template entity, the files its steps may read
 * (its skeleton folders, from its own repository), its support level, and its form's schema
 * with the catalog pickers' choices filled in. The page and the zip are built from this.
 */

/** A skeleton file: text when it is UTF-8 text, base64 otherwise. */
export const bundledFileSchema = z.union([z.object({ text: z.string() }), z.object({ base64: z.string() })]);

/** What the `templates` collection holds per Template entity. */
export const storedTemplateSchema = z.object({
  entityRef: z.string(),
  /** Repository-relative path of the template file; skeleton URLs resolve against it. */
  templatePath: z.string(),
  repository: z.string(),
  spec: z.record(z.string(), z.unknown()),
  /** `spec.parameters` as a list of pages, pickers' choices written in. */
  pages: z.array(z.record(z.string(), z.unknown())),
  support: z.object({ level: z.enum(['full', 'partial', 'backstage-only']), backstageOnly: z.array(z.string()) }),
  /** Skeleton files by repository-relative path. */
  files: z.record(z.string(), bundledFileSchema),
  /** Why some files are not here (remote skeletons, limits), for the page to say. */
  notes: z.array(z.string()),
});
export type StoredTemplate = z.infer<typeof storedTemplateSchema>;

/** Most bytes of skeleton files bundled per template; past it the page points to the CLI. */
export const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;
const MAX_BUNDLE_FILES = 2000;

/** Every folder or file a template's file steps may read, as repository-relative paths. */
export function skeletonLocations(steps: readonly TemplateStep[], templatePath: string): { paths: string[]; notes: string[] } {
  const paths = new Set<string>();
  const notes: string[] = [];
  for (const step of steps) {
    if (actionSupport(step.action) !== 'files') continue;
    const url = step.input?.['url'];
    if (typeof url !== 'string') continue;
    if (isRemoteUrl(url)) {
      notes.push(`${step.name ?? step.id ?? step.action} reads ${url}, which only Backstage fetches; Playbill builds the other steps' files`);
      continue;
    }
    // A URL made from a parameter (`./skeletons/${{ parameters.ci }}`): bundle the folder it
    // starts with, so every choice the form offers works.
    const templated = url.indexOf('${{');
    const fixed = templated === -1 ? url : url.slice(0, url.lastIndexOf('/', templated) + 1);
    const resolved = resolveInRepository(templatePath, fixed);
    if (resolved === undefined) {
      notes.push(`${step.name ?? step.id ?? step.action} reads ${url}, outside the template's repository; a template may read only its own repository`);
      continue;
    }
    paths.add(resolved);
  }
  return { paths: [...paths].sort(), notes };
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads a template's skeleton files from its repository, within the bundle limits. */
async function bundleFiles(repo: Repository, locations: readonly string[], place: { repository: string; file: string }, problems: Problem[], notes: string[]): Promise<Record<string, z.infer<typeof bundledFileSchema>>> {
  const files: Record<string, z.infer<typeof bundledFileSchema>> = {};
  const listing = repositoryTemplateFiles(repo, { maxListed: MAX_BUNDLE_FILES });
  let bytes = 0;
  let count = 0;
  for (const location of locations) {
    // A location is a folder (a skeleton) or one file (fetch:*:file).
    const paths = (await listing.listFiles(location)) ?? [location];
    for (const path of paths) {
      if (Object.hasOwn(files, path)) continue;
      let content: Uint8Array | undefined;
      try {
        content = await repo.readBinary(path);
      } catch (error) {
        if (error instanceof PathEscapeError || error instanceof FileTooLargeError) {
          problems.push(makeProblem('warning', place, `skeleton file ${path} was left out: ${error.message}`));
          continue;
        }
        throw error;
      }
      if (content === undefined) continue;
      bytes += content.length;
      if (bytes > MAX_BUNDLE_BYTES || count >= MAX_BUNDLE_FILES) {
        notes.push(`the skeleton is over ${MAX_BUNDLE_BYTES / 1048576} MiB or ${MAX_BUNDLE_FILES} files; the page's preview and zip stop there, the CLI builds it all`);
        return files;
      }
      let text: string | undefined;
      if (!isBinaryFile(content)) {
        try {
          text = fatalUtf8.decode(content);
        } catch {
          text = undefined;
        }
      }
      files[path] = text !== undefined ? { text } : { base64: Buffer.from(content).toString('base64') };
      count += 1;
    }
  }
  return files;
}

/** Every Template entity of the catalog, ready for its page. */
export async function buildPortalTemplates(catalog: Catalog, options: { logger?: Logger } = {}): Promise<{ templates: StoredTemplate[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const templates: StoredTemplate[] = [];
  const repositories = new Map(catalog.repositories.map((r) => [r.name, r]));
  const nodes = catalog.nodes.filter((node: CatalogNode) => node.entity.kind === 'Template');
  for (const node of nodes) {
    const place = { repository: node.source.repository, file: node.source.file, line: node.source.line };
    const parsed = templateSpecSchema.safeParse(node.entity.spec ?? {});
    if (!parsed.success) {
      problems.push(makeProblem('error', place, `this template cannot run: ${parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ')}`, { entityRef: node.ref }));
      continue;
    }
    const spec = parsed.data;
    const { paths, notes } = skeletonLocations(spec.steps, node.source.file);
    const repo = repositories.get(node.source.repository);
    const files = repo === undefined ? {} : await bundleFiles(repo, paths, place, problems, notes);
    const pages = spec.parameters === undefined ? [] : [spec.parameters].flat();
    templates.push({
      entityRef: node.ref,
      templatePath: node.source.file,
      repository: node.source.repository,
      spec: node.entity.spec ?? {},
      pages: pages.map((page) => z.record(z.string(), z.unknown()).parse(annotatePickers(page, catalog.nodes))),
      support: supportOf(spec.steps),
      files,
      notes,
    });
  }
  if (nodes.length > 0) options.logger?.info(`${templates.length} software templates, ${templates.reduce((n, t) => n + Object.keys(t.files).length, 0)} skeleton files`);
  return { templates, problems };
}
