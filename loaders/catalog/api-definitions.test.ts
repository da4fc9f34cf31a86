import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { definitionLang, prepareDefinitions, readDefinitionView } from './api-definitions.ts';
import type { CatalogNode } from './graph.ts';

const OPENAPI = `openapi: 3.0.0
info: { title: Payments, version: 2.1.0 }
paths:
  /payments:
    get: { summary: List payments, responses: { '200': { description: OK } } }
    post: { summary: Create a payment, responses: { '201': { description: Created } } }
`;

function node(name: string, kind: string, spec: Record<string, unknown>): CatalogNode {
  return {
    ref: `${kind.toLowerCase()}:default/${name}`,
    entity: { apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec, relations: [] },
    source: { repository: 'r', file: 'catalog-info.yaml', line: 1 },
  };
}

const dirs: string[] = [];
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'playbill-apis-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('prepareDefinitions', () => {
  it('prepares inline definitions of APIs only, highlighted as Astro does and summarised', async () => {
    const dir = await folder();
    const nodes = [
      node('payments', 'API', { type: 'openapi', definition: OPENAPI }),
      node('graph', 'API', { type: 'graphql', definition: 'type Query { me: User }' }),
      node('linked', 'API', { type: 'openapi', definition: 'https://example.com/openapi.yaml' }),
      node('service', 'Component', { type: 'service', definition: OPENAPI }),
    ];
    const { files, prepared } = await prepareDefinitions(nodes, dir);
    expect([...files.keys()]).toEqual(['api:default/payments', 'api:default/graph']);
    expect(prepared).toBe(2);
    const view = await readDefinitionView(files.get('api:default/payments') ?? '');
    expect(view?.lang).toBe('yaml');
    expect(view?.html).toMatch(/^<pre class="astro-code astro-code-themes github-light github-dark"[^>]*data-language="yaml"/);
    expect(view?.openapi?.title).toBe('Payments');
    expect(view?.openapi?.operations.map((o) => `${o.method} ${o.summary}`)).toEqual(['get List payments', 'post Create a payment']);
    const graph = await readDefinitionView(files.get('api:default/graph') ?? '');
    expect(graph?.lang).toBe('graphql');
    expect(graph?.openapi).toBeUndefined();
  });

  it('reuses what an earlier build prepared and deletes what nothing uses any more', async () => {
    const dir = await folder();
    const first = await prepareDefinitions([node('a', 'API', { type: 'openapi', definition: OPENAPI }), node('b', 'API', { type: 'grpc', definition: 'service B {}' })], dir);
    const again = await prepareDefinitions([node('a', 'API', { type: 'openapi', definition: OPENAPI }), node('b', 'API', { type: 'grpc', definition: 'service B {}' })], dir);
    expect(again.prepared).toBe(0);
    expect(again.files).toEqual(first.files);
    // One definition changes: only it is prepared, and the old file goes.
    const changed = await prepareDefinitions([node('a', 'API', { type: 'openapi', definition: OPENAPI }), node('b', 'API', { type: 'grpc', definition: 'service B { rpc Get(X) returns (Y); }' })], dir);
    expect(changed.prepared).toBe(1);
    expect(changed.files.get('api:default/a')).toBe(first.files.get('api:default/a'));
    expect((await readdir(dir)).sort()).toEqual([...changed.files.values()].map((f) => f.slice(dir.length + 1)).sort());
  });

  it('reads a damaged view as none, so the page prepares the definition itself', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'broken.json'), '{"lang": 3');
    expect(await readDefinitionView(join(dir, 'broken.json'))).toBeUndefined();
    expect(await readDefinitionView(join(dir, 'missing.json'))).toBeUndefined();
  });
});

describe('definitionLang', () => {
  it('follows the API type, and shows JSON documents as JSON', () => {
    expect(definitionLang('openapi', OPENAPI)).toBe('yaml');
    expect(definitionLang('asyncapi', '  {"asyncapi": "2.0.0"}')).toBe('json');
    expect(definitionLang('grpc', 'service A {}')).toBe('proto');
    expect(definitionLang('trpc', 'export const router = {}')).toBe('txt');
  });
});
