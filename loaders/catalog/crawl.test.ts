import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from './build-catalog.ts';
import type { Problem } from '../problems.ts';
import { localSource } from '../sources/local.ts';
import { memoryRepository } from '../sources/memory.ts';
import { normaliseCodeOwner } from './codeowners.ts';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/broken-org');

const line = (p: Problem) => `${p.severity} ${p.repository}/${p.file}:${p.line ?? '-'}:${p.column ?? '-'} ${p.message}`;

describe('crawling a broken organisation', async () => {
  const catalog = await buildCatalog([localSource({ path: FIXTURE })]);
  const refs = catalog.nodes.map((n) => n.ref);

  it('reports every problem with repository, file, line and column', () => {
    expect(catalog.problems.map(line)).toMatchInlineSnapshot(`
      [
        "error alias-bomb/catalog-info.yaml:1:1 YAML document rejected: Excessive alias count indicates a resource exhaustion attack",
        "warning apis/catalog-info.yaml:21:5 $text points at https://example.com/openapi.yaml, which is not fetched at build time; put the file in the repository and use a relative path to have it rendered",
        "error dup-b/catalog-info.yaml:4:3 duplicate entity component:default/shared-name: already defined in dup-a/catalog-info.yaml:1; the first one is kept, rename or remove this one",
        "warning locations/a.yaml:16:3 Location target catalog-info.yaml was already read; this target is a cycle or a duplicate and is skipped",
        "error locations/catalog-info.yaml:9:7 Location target missing.yaml does not exist; fix the path or mark the Location "presence: optional"",
        "error locations/catalog-info.yaml:10:7 Location target "../outside.yaml" leaves the repository; targets must stay inside it",
        "warning locations/catalog-info.yaml:11:7 Location target https://github.com/other/repo/blob/main/catalog-info.yaml is outside this repository and is not followed; add that repository as a source instead",
        "error placeholders/catalog-info.yaml:10:5 $text target "../../../etc/passwd" leaves the repository; use a path inside it",
        "error placeholders/catalog-info.yaml:21:5 $text target "./nope.yaml" does not exist (looked for nope.yaml)",
        "error placeholders/catalog-info.yaml:31:5 $json target "./broken.json" is not valid JSON: Unexpected end of JSON input",
        "warning refs/catalog-info.yaml:8:3 spec.owner refers to group:default/ghost-team, which is not in the catalog; check the name, kind and namespace",
        "warning refs/catalog-info.yaml:9:3 spec.system refers to system:default/nowhere, which is not in the catalog; check the name, kind and namespace",
        "error refs/catalog-info.yaml:11:7 spec.dependsOn: Entity reference "orders-db" has no kind, and this field has no default kind; write it as e.g. "component:orders-db" or "resource:orders-db"",
        "warning refs/catalog-info.yaml:12:7 spec.dependsOn refers to resource:locations/sub-one, which is not in the catalog; check the name, kind and namespace",
        "error syntax/catalog-info.yaml:24:1 YAML syntax error: Missing closing "quote",
      ]
    `);
  });

  it('keeps everything that is valid', () => {
    expect(refs).toMatchInlineSnapshot(`
      [
        "api:default/orders",
        "api:default/remote-spec",
        "component:default/from-a",
        "component:default/json-schema-ref",
        "component:default/refs",
        "component:default/shared-name",
        "group:default/team-a",
        "location:default/back-to-root",
        "location:default/optional-target",
        "location:default/root",
        "resource:default/sub-one",
        "resource:default/sub-two",
        "system:default/first",
        "template:default/broken-steps",
        "template:default/escaping-skeleton",
      ]
    `);
  });

  it('resolves $text and $json relative to the descriptor', () => {
    const api = catalog.nodes.find((n) => n.ref === 'api:default/orders');
    expect(api?.entity.spec?.definition).toContain('openapi: 3.0.0');
    const group = catalog.nodes.find((n) => n.ref === 'group:default/team-a');
    expect(group?.entity.spec?.profile).toEqual({ displayName: 'Team A', email: 'a@example.com' });
  });

  it('leaves $ref objects alone', () => {
    const component = catalog.nodes.find((n) => n.ref === 'component:default/json-schema-ref');
    expect(component?.entity.spec?.config).toEqual({ $ref: '#/definitions/node' });
  });

  it('keeps the URL of a placeholder that is not fetched', () => {
    const api = catalog.nodes.find((n) => n.ref === 'api:default/remote-spec');
    expect(api?.entity.spec?.definition).toBe('https://example.com/openapi.yaml');
  });

  it('keeps the first of two entities with the same ref', () => {
    const dup = catalog.nodes.find((n) => n.ref === 'component:default/shared-name');
    expect(dup?.entity.metadata.description).toBe('Defined in dup-a.');
    expect(dup?.source.repository).toBe('dup-a');
  });

  it('computes relations in both directions', () => {
    const refsEntity = catalog.nodes.find((n) => n.ref === 'component:default/refs');
    expect(refsEntity?.entity.relations).toContainEqual({ type: 'providesApi', targetRef: 'api:default/orders' });
    const api = catalog.nodes.find((n) => n.ref === 'api:default/orders');
    expect(api?.entity.relations).toContainEqual({ type: 'apiProvidedBy', targetRef: 'component:default/refs' });
    // A relation to an entity that does not exist is kept one-way, as Backstage keeps it.
    expect(refsEntity?.entity.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/ghost-team' });
  });
});

describe('untrusted files', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'playbill-crawl-'));
    await mkdir(join(root, 'repo'));
    await writeFile(join(root, 'secret.txt'), 'TOP SECRET');
    await symlink(join(root, 'secret.txt'), join(root, 'repo', 'linked.txt'));
    await writeFile(
      join(root, 'repo', 'catalog-info.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: leaky }',
        'spec: { type: openapi, lifecycle: production, owner: a, definition: { $text: ./linked.txt } }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: big }',
        'spec: { target: ./huge.yaml }',
      ].join('\n'),
    );
    await writeFile(join(root, 'repo', 'huge.yaml'), `# ${'x'.repeat(3 * 1024 * 1024)}\n`);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('refuses symbolic links that leave the repository, and files over the size limit', async () => {
    const catalog = await buildCatalog([localSource({ path: root })]);
    expect(catalog.nodes.map((n) => n.ref)).toEqual(['location:default/big']);
    expect(JSON.stringify(catalog)).not.toContain('TOP SECRET');
    expect(catalog.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toMatchInlineSnapshot(`
      [
        "catalog-info.yaml:4 $text target "./linked.txt" could not be read: "linked.txt" resolves outside the repository (symbolic link?)",
        "catalog-info.yaml:9 huge.yaml could not be read: file is 3145731 bytes, over the 2097152-byte limit (limits.maxFileBytes)",
      ]
    `);
  });
});

describe('CODEOWNERS', () => {
  const descriptor = (name: string, owner?: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n${owner ? `  owner: ${owner}\n` : ''}`;

  it('gives an entity without spec.owner the owner of the catch-all rule, as Backstage does', async () => {
    const repo = memoryRepository('svc', { 'catalog-info.yaml': descriptor('svc'), '.github/CODEOWNERS': '# Owners\n*.md @acme/writers\n* @acme/payments-team @ada\n' }, ['catalog-info.yaml']);
    const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }]);
    expect(catalog.nodes[0]?.entity.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/payments-team' });
    expect(catalog.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('warns where spec.owner and CODEOWNERS disagree, and keeps spec.owner', async () => {
    const repo = memoryRepository('svc', { 'catalog-info.yaml': descriptor('svc', 'web-team'), CODEOWNERS: '* @acme/payments-team\n' }, ['catalog-info.yaml']);
    const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }]);
    expect(catalog.nodes[0]?.entity.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/web-team' });
    expect(catalog.problems.filter((p) => !p.message.includes('not in the catalog')).map(line)).toMatchInlineSnapshot(`
      [
        "warning svc/catalog-info.yaml:8:3 spec.owner is "web-team" but CODEOWNERS names "payments-team" as the owner; make them agree",
      ]
    `);
  });

  it('normalises owners as Backstage does', () => {
    expect(['@acme/team-a', '@ada', 'grace@acme.example', 'plain'].map(normaliseCodeOwner)).toEqual(['team-a', 'ada', 'grace', 'plain']);
  });
});

describe('crawling many repositories', () => {
  it('joins them in the listing\'s order, whichever finishes reading first, losing none', async () => {
    const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}-team\nspec:\n  type: team\n  children: []\n`;
    const names = Array.from({ length: 40 }, (_, i) => `repo-${String(i).padStart(2, '0')}`);
    // Read concurrently, with the first repositories answering last; every other one has a
    // broken descriptor (an unclosed list) beside its good one.
    const repos = names.map((name, i) => {
      const files: Record<string, string> = { 'catalog-info.yaml': group(name), ...(i % 2 ? { 'broken.yaml': 'kind: Component\nspec: [\n' } : {}) };
      const repo = memoryRepository(name, files, ['catalog-info.yaml', ...(i % 2 ? ['broken.yaml'] : [])]);
      const delay = (names.length - i) % 17;
      return { ...repo, readFile: async (path: string) => (await new Promise((r) => setTimeout(r, delay)), repo.readFile(path)) };
    });
    const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => repos }]);
    expect(catalog.repositories.map((r) => r.name)).toEqual(names);
    expect(catalog.nodes.map((n) => n.ref).sort()).toEqual(names.map((name) => `group:default/${name}-team`).sort());
    const broken = new Set(catalog.problems.filter((p) => p.file === 'broken.yaml' && p.severity === 'error').map((p) => p.repository));
    expect([...broken].sort()).toEqual(names.filter((_, i) => i % 2));
  });
});
