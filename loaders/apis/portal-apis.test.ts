import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCatalog } from '../catalog/build-catalog.ts';
import type { CatalogNode } from '../catalog/graph.ts';
import { memoryRepository } from '../sources/memory.ts';
import { definitionViewSchema, viewDefinition } from './definition-view.ts';
import { findApiViews, keepDefinitionView, listApiViews } from './portal-apis.ts';

const PETS = 'openapi: 3.0.0\ninfo: { title: Pets, version: 1.0.0 }\npaths:\n  /pets:\n    get: { summary: List pets }\n';

const api = (name: string, definition: string, type = 'openapi') =>
  `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n  lifecycle: production\n  owner: user:guest\n  definition: ${JSON.stringify(definition)}\n`;

/** Two APIs with the same definition, one with another type, one given by link, and a component. */
async function nodes(): Promise<CatalogNode[]> {
  const yaml = [
    api('pets', PETS),
    api('pets-copy', PETS),
    api('pets-graph', 'type Query { pets: [String] }', 'graphql'),
    api('linked', 'https://example.com/openapi.yaml'),
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: website\n  lifecycle: production\n  owner: user:guest\n',
  ].join('---\n');
  const repo = memoryRepository('org', { 'catalog-info.yaml': yaml }, ['catalog-info.yaml']);
  return (await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }])).nodes;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'playbill-api-views-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('API definition views', () => {
  it('views each distinct definition once, keeps it, and reuses it in the next build', async () => {
    const catalog = await nodes();
    await writeFile(join(dir, 'left-from-an-older-build.json'), '{}');
    const first = await findApiViews(catalog, dir);
    // The linked definition has no view; the shared one is made once, for the first API.
    expect(first.missing.map((m) => m.entityRef).sort()).toEqual(['api:default/pets', 'api:default/pets-graph']);
    expect(first.kept.map((k) => k.entityRef)).toEqual(['api:default/pets-copy']);
    for (const task of first.missing) await keepDefinitionView(task);
    const stored = await listApiViews(first, first.missing.map(() => true));
    expect(stored.map((s) => s.entityRef).sort()).toEqual(['api:default/pets', 'api:default/pets-copy', 'api:default/pets-graph']);
    const byRef = new Map(stored.map((s) => [s.entityRef, s.viewFile]));
    expect(byRef.get('api:default/pets-copy')).toBe(byRef.get('api:default/pets'));
    // The view kept is the one a page would make; files nothing uses are gone.
    const kept = definitionViewSchema.parse(JSON.parse(await readFile(byRef.get('api:default/pets') ?? '', 'utf8')));
    expect(kept).toEqual(await viewDefinition({ type: 'openapi', definition: PETS }));
    expect((await readdir(dir)).sort()).toEqual([...new Set(byRef.values())].map((f) => f.slice(dir.length + 1)).sort());

    const second = await findApiViews(catalog, dir);
    expect(second.missing).toEqual([]);
    expect(await listApiViews(second, [])).toHaveLength(3);
  });

  it('gives no view to a definition whose view was not kept, nor to another API sharing it', async () => {
    const views = await findApiViews(await nodes(), dir);
    const kept = views.missing.map((m) => m.entityRef !== 'api:default/pets');
    for (const [i, task] of views.missing.entries()) if (kept[i]) await keepDefinitionView(task);
    const stored = await listApiViews(views, kept);
    expect(stored.map((s) => s.entityRef)).toEqual(['api:default/pets-graph']);
  });
});
