import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeAtomic } from '../cache-files.ts';
import type { CatalogNode } from '../catalog/graph.ts';
import { viewDefinition, type DefinitionJob, type ViewTask } from './definition-view.ts';
import { isDefinitionUrl } from './highlight-definition.ts';

/** Bump when a view's shape or its HTML changes, so older kept views are not reused. */
const VIEW_VERSION = 1;

/** What the `apiViews` collection holds per API: the file its definition's view is kept in. */
export const storedApiViewSchema = z.object({ entityRef: z.string(), viewFile: z.string() });
export type StoredApiView = z.infer<typeof storedApiViewSchema>;

/** Every API's view file, and the definitions whose view is not kept yet. */
export interface ApiViews {
  kept: StoredApiView[];
  missing: (ViewTask & { entityRef: string })[];
  dir: string;
}

/** The API's definition, when it gives one as text (the page shows a link otherwise). */
export function definitionJob(node: CatalogNode): DefinitionJob | undefined {
  const { kind, spec } = node.entity;
  const definition = spec?.['definition'];
  if (kind !== 'API' || typeof definition !== 'string' || isDefinitionUrl(definition)) return undefined;
  const type = spec?.['type'];
  return { type: typeof type === 'string' ? type : '', definition };
}

/**
 * Finds each API's definition view in `dir`, kept there by an earlier build under the digest
 * of its inputs (type and text), and lists the definitions that have none: those are viewed
 * and kept on the docs' worker threads (`renderInPool`, `keepDefinitionView`).
 */
export async function findApiViews(nodes: readonly CatalogNode[], dir: string): Promise<ApiViews> {
  await mkdir(dir, { recursive: true });
  const existing = new Set(await readdir(dir));
  const kept: StoredApiView[] = [];
  const missing: ApiViews['missing'] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    const job = definitionJob(node);
    if (!job) continue;
    const name = `${createHash('sha256').update(JSON.stringify([VIEW_VERSION, job.type, job.definition])).digest('hex')}.json`;
    const file = join(dir, name);
    // Two APIs with the same definition share one view, made once.
    if (existing.has(name) || seen.has(name)) kept.push({ entityRef: node.ref, viewFile: file });
    else missing.push({ entityRef: node.ref, file, ...job });
    seen.add(name);
  }
  return { kept, missing, dir };
}

/**
 * Views a definition and keeps the view in its file, on whichever thread runs it (the docs'
 * worker threads, `renderInPool`): the HTML never travels to the thread that asked.
 */
export async function keepDefinitionView(task: ViewTask): Promise<void> {
  await writeAtomic(task.file, JSON.stringify(await viewDefinition(task)));
}

/**
 * Deletes the view files no API uses any more and returns every API's view file, given
 * which of the missing views were kept. A definition whose view failed has none (nor has
 * another API sharing its definition): its page views it itself.
 */
export async function listApiViews(views: ApiViews, kept: readonly boolean[]): Promise<StoredApiView[]> {
  const failed = new Set(views.missing.filter((_, i) => !kept[i]).map((m) => m.file));
  const made = views.missing.filter((_, i) => kept[i]).map(({ entityRef, file }) => ({ entityRef, viewFile: file }));
  const stored = [...views.kept.filter((v) => !failed.has(v.viewFile)), ...made];
  const used = new Set(stored.map((s) => s.viewFile));
  for (const name of await readdir(views.dir)) if (!used.has(join(views.dir, name))) await rm(join(views.dir, name), { force: true });
  return stored;
}
