import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../catalog/build-catalog.ts';
import { memoryRepository } from '../sources/memory.ts';
import { catalogGraph, entityNeighbourhood, systemMap, teamTree, type CatalogIndex } from './extract.ts';
import { layoutGraph, layoutInput, layoutKey } from './layout.ts';
import { LayoutCache } from './layout-cache.ts';
import { buildPortalGraphs } from './portal-graphs.ts';
import { drawSvg } from './svg.ts';

/** A catalog from descriptors, through the real crawl and graph. */
async function catalogOf(yaml: string): Promise<CatalogIndex> {
  const repo = memoryRepository('org', { 'catalog-info.yaml': yaml }, ['catalog-info.yaml']);
  const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }]);
  return new Map(catalog.nodes.map((n) => [n.ref, n]));
}

const doc = (kind: string, name: string, spec: string, apiVersion = 'backstage.io/v1alpha1') =>
  `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

const small = [
  doc('Group', 'team-a', '  type: team\n  children: []\n  parent: eng'),
  doc('Group', 'eng', '  type: department\n  children: [team-a]'),
  doc('User', 'ada', '  memberOf: [team-a]'),
  doc('System', 'shop', '  owner: team-a'),
  doc('Component', 'web', '  type: website\n  lifecycle: production\n  owner: team-a\n  system: shop\n  consumesApis: [orders]\n  dependsOn: [resource:db]'),
  doc('API', 'orders', '  type: openapi\n  lifecycle: production\n  owner: team-a\n  system: shop\n  definition: x'),
  doc('Resource', 'db', '  type: database\n  owner: team-a\n  system: shop'),
  doc('Component', 'billing', '  type: service\n  lifecycle: production\n  owner: team-a\n  providesApis: [orders]'),
].join('\n');

const sentence = (g: { nodes: { id: string; label: string }[]; edges: { from: string; to: string; label: string }[] }) =>
  g.edges.map((e) => `${g.nodes.find((n) => n.id === e.from)?.label ?? e.from} ${e.label} ${g.nodes.find((n) => n.id === e.to)?.label ?? e.to}`);

describe('relation graph extraction', () => {
  it('merges each relation pair into one labelled edge, drawn in the pair\'s direction', async () => {
    const index = await catalogOf(small);
    const graph = entityNeighbourhood(index, 'component:default/web', { maxForDepthTwoFrom: 0 });
    expect(sentence(graph)).toMatchInlineSnapshot(`
      [
        "web consumes orders",
        "web depends on db",
        "team-a owns web",
        "shop has part web",
      ]
    `);
    // web's ownedBy and team-a's ownerOf became one edge, and so did every other pair.
    expect(graph.edges).toHaveLength(4);
  });

  it('goes to depth 2 where depth 1 is small, following edges outwards from the entity only', async () => {
    const index = await catalogOf(small);
    const web = entityNeighbourhood(index, 'component:default/web');
    expect(sentence(web)).toContain('eng parent of team-a');
    // Between two neighbours (team-a owns shop) says nothing about web: not drawn.
    expect(sentence(web)).not.toContain('team-a owns shop');
    const team = entityNeighbourhood(index, 'group:default/team-a');
    expect(team.nodes.length).toBe(1 + 7);
    expect(sentence(team)).not.toContain('billing provides orders');
  });

  it('summarises a large neighbourhood instead of drawing every box', async () => {
    const many = Array.from({ length: 30 }, (_, i) => doc('Component', `svc-${String(i).padStart(2, '0')}`, '  type: service\n  lifecycle: production\n  owner: big'));
    const index = await catalogOf([doc('Group', 'big', '  type: team\n  children: []'), ...many].join('\n'));
    const graph = entityNeighbourhood(index, 'group:default/big', { maxPerGroup: 6 });
    expect(graph.nodes).toHaveLength(1 + 5 + 1);
    expect(graph.nodes.at(-1)).toMatchObject({ kind: 'summary', label: '+25 components' });
    expect(graph.summarised).toBe(25);
  });

  it('keeps a large system or domain map bounded, summarising the parts past it', async () => {
    const many = Array.from({ length: 120 }, (_, i) => doc('System', `sys-${String(i).padStart(3, '0')}`, '  owner: team-a\n  domain: big'));
    const index = await catalogOf([doc('Domain', 'big', '  owner: team-a'), doc('Group', 'team-a', '  type: team\n  children: []'), ...many].join('\n'));
    const map = systemMap(index, 'domain:default/big', { maxNodes: 30 });
    expect(map?.nodes.length).toBeLessThanOrEqual(31);
    expect(map?.nodes.at(-1)).toMatchObject({ kind: 'summary', label: '+92 systems' });
    expect(map?.summarised).toBe(92);
  });

  it('maps a system with what its parts use outside it, and a team tree with counts', async () => {
    const index = await catalogOf(small);
    const map = systemMap(index, 'system:default/shop');
    expect(map?.nodes.map((n) => `${n.label}: ${n.caption}`)).toMatchInlineSnapshot(`
      [
        "orders: API · openapi",
        "billing: Component · service · outside",
        "web: Component · website",
        "db: Resource · database",
        "shop: System",
      ]
    `);
    const tree = teamTree(index, 'group:default/team-a');
    expect(tree?.nodes.map((n) => `${n.label}: ${n.caption}`)).toMatchInlineSnapshot(`
      [
        "eng: 0 members · owns 0",
        "team-a: 1 member · owns 5",
      ]
    `);
    expect(catalogGraph(index)?.nodes.some((n) => n.kind === 'user')).toBe(false);
  });
});

describe('layout and SVG', () => {
  it('draws valid SVG in which every entity box links to its page and no box overlaps another', async () => {
    const index = await catalogOf(small);
    const graph = entityNeighbourhood(index, 'component:default/web');
    const layout = layoutGraph(layoutInput(graph));
    const svg = drawSvg(graph, layout, { hrefFor: (ref) => `/catalog/${ref}/` });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/<title id="g[0-9a-f]{8}-t">Relations of web<\/title>/);
    const links = [...svg.matchAll(/<a class="g-node[^"]*" href="([^"]+)"/g)].map((m) => m[1]);
    expect(links.sort()).toEqual(graph.nodes.map((n) => `/catalog/${n.id}/`).sort());
    for (const [i, a] of layout.nodes.entries()) {
      for (const b of layout.nodes.slice(i + 1)) {
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart).toBe(true);
      }
    }
  });

  it('escapes names, so a descriptor cannot inject markup into the drawing', async () => {
    const index = await catalogOf(doc('Component', 'x', '  type: service\n  lifecycle: production\n  owner: team-a').replace('  name: x', '  name: x\n  title: "<script>alert(1)</script>"') + '\n' + doc('Group', 'team-a', '  type: team\n  children: []'));
    const graph = entityNeighbourhood(index, 'component:default/x');
    const svg = drawSvg(graph, layoutGraph(layoutInput(graph)), { hrefFor: () => '/' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('caches layouts by shape: a second build lays out nothing', async () => {
    const index = await catalogOf(small);
    const first = new LayoutCache();
    const drawings = buildPortalGraphs([...index.values()], { base: '/', cache: first });
    expect(first.misses).toBeGreaterThan(0);
    const file = `${process.env['TMPDIR'] ?? '/tmp'}/playbill-layouts-${process.pid}.json`;
    await first.save(file);
    const second = new LayoutCache();
    await second.load(file);
    const again = buildPortalGraphs([...index.values()], { base: '/', cache: second });
    expect(second.misses).toBe(0);
    expect(again).toEqual(drawings);
    // Same shape, other names: one key.
    const web = entityNeighbourhood(index, 'component:default/web');
    const renamed = { ...web, nodes: web.nodes.map((n) => ({ ...n, id: `${n.id}-x`, label: n.label.replace(/./g, 'a').slice(0, n.label.length) })), edges: web.edges.map((e) => ({ ...e, from: `${e.from}-x`, to: `${e.to}-x` })) };
    expect(layoutKey(layoutInput(renamed))).toBe(layoutKey(layoutInput(web)));
  });
});
