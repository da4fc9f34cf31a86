import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { buildCatalog } from '../catalog/build-catalog.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { memoryRepository } from '../sources/memory.ts';
import { DEFAULT_SCORECARD } from './default-scorecard.ts';
import { evaluateScorecards, levelReached, matchesFilter } from './evaluate.ts';
import { factsFor } from './facts.ts';
import { buildPortalScorecards } from './portal-scorecards.ts';
import { compare, evaluateCondition, readPath } from './rules.ts';
import { checkSchema, resolveScorecard, scorecardSchema, type CheckResult, type Operator } from './schema.ts';

describe('rules', () => {
  it('applies every json-rules-engine operator as json-rules-engine does', () => {
    const cases: [Operator, unknown, unknown, boolean][] = [
      ['equal', 'a', 'a', true],
      ['equal', 1, '1', false],
      ['notEqual', 'a', 'b', true],
      ['lessThan', 1, 2, true],
      ['lessThan', '1', 2, false],
      ['lessThanInclusive', 2, 2, true],
      ['greaterThan', 3, 2, true],
      ['greaterThan', 2, 2, false],
      ['greaterThanInclusive', 2, 2, true],
      ['in', 'b', ['a', 'b'], true],
      ['in', 'b', 'abc', false],
      ['notIn', 'c', ['a', 'b'], true],
      ['contains', ['java', 'pci'], 'pci', true],
      ['contains', 'pci', 'pci', false],
      ['doesNotContain', ['java'], 'pci', true],
    ];
    for (const [operator, fact, value, expected] of cases) expect(compare(operator, fact, value), `${JSON.stringify(fact)} ${operator} ${JSON.stringify(value)}`).toBe(expected);
  });

  it('reads JSONPath into a fact', () => {
    const annotations = { 'pagerduty.com/service-id': 'P1', nested: { list: [{ name: 'x' }] } };
    expect(readPath(annotations, "$['pagerduty.com/service-id']")).toBe('P1');
    expect(readPath(annotations, '$.nested.list[0].name')).toBe('x');
    expect(readPath(annotations, '$.missing.deeper')).toBeUndefined();
    expect(evaluateCondition({ fact: 'annotations', path: "$['pagerduty.com/service-id']", operator: 'equal', value: 'P1' }, { annotations })).toBe('pass');
  });

  it('is three-valued: a missing fact is unknown, all/any/not nest, and unknown never turns into a failure', () => {
    const facts = { a: true, b: false };
    const is = (fact: string) => ({ fact, operator: 'equal' as const, value: true });
    const table: [unknown, CheckResult][] = [
      [is('a'), 'pass'],
      [is('b'), 'fail'],
      [is('nobody'), 'unknown'],
      [{ all: [is('a'), is('nobody')] }, 'unknown'],
      [{ all: [is('b'), is('nobody')] }, 'fail'],
      [{ any: [is('a'), is('nobody')] }, 'pass'],
      [{ any: [is('b'), is('nobody')] }, 'unknown'],
      [{ any: [is('b'), { all: [is('a'), { not: is('b') }] }] }, 'pass'],
      [{ not: is('nobody') }, 'unknown'],
    ];
    for (const [condition, expected] of table) expect(evaluateCondition(z.custom<Parameters<typeof evaluateCondition>[0]>().parse(condition), facts), JSON.stringify(condition)).toBe(expected);
  });
});

describe('levels', () => {
  const card = resolveScorecard(
    scorecardSchema.parse({
      id: 'c',
      title: 'C',
      checks: [
        { id: 'b1', level: 'bronze', conditions: { all: [] } },
        { id: 's1', level: 'silver', conditions: { all: [] } },
        { id: 's2', level: 'silver', conditions: { all: [] } },
        { id: 'g1', level: 'gold', conditions: { all: [] } },
      ],
    }),
  );
  const level = (results: Record<string, CheckResult>) => levelReached(card, new Map(Object.entries(results)));

  it('reaches a level when every check there and below passes; unknown checks neither block nor carry a level', () => {
    expect(level({ b1: 'pass', s1: 'pass', s2: 'pass', g1: 'pass' })).toBe('gold');
    expect(level({ b1: 'pass', s1: 'pass', s2: 'unknown', g1: 'pass' })).toBe('gold');
    expect(level({ b1: 'pass', s1: 'fail', s2: 'pass', g1: 'pass' })).toBe('bronze');
    expect(level({ b1: 'pass', s1: 'unknown', s2: 'unknown', g1: 'pass' })).toBe('bronze');
    expect(level({ b1: 'fail', s1: 'pass', s2: 'pass', g1: 'pass' })).toBeNull();
  });
});

describe('scorecard config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'playbill-scorecards-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const load = async (config: string, files: Record<string, string> = {}) => {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    await writeFile(join(dir, 'playbill.config.yaml'), config);
    try {
      return loadConfig(join(dir, 'playbill.config.yaml'));
    } catch (error) {
      if (error instanceof ConfigError) return error.message.replaceAll(dir, '<dir>');
      throw error;
    }
  };
  const base = 'sources:\n  - local:\n      path: ./content\n';

  it('names the scorecard, the check and what is wrong: an unknown fact, a bad operator, a level it lacks', async () => {
    const message = await load(
      `${base}scorecards:\n  - id: ready\n    title: Ready\n    checks:\n      - id: owner\n        level: platinum\n        conditions:\n          all:\n            - fact: hasOwnr\n              operator: equal\n              value: true\n      - id: tags\n        conditions:\n          all:\n            - fact: hasTags\n              operator: equals\n              value: true\n`,
    );
    expect(typeof message === 'string' ? message.replace(/known facts: .*/g, 'known facts: …') : message).toMatchInlineSnapshot(`
      "Invalid config <dir>/playbill.config.yaml:
        <dir>/playbill.config.yaml:9:9 scorecards.0.checks.0.level: scorecard "ready", check "owner": level "platinum" is not one of this scorecard's levels (bronze, silver, gold)
        <dir>/playbill.config.yaml:8:9 scorecards.0.checks.0: scorecard "ready", check "owner": unknown fact "hasOwnr"; known facts: …
        <dir>/playbill.config.yaml:15:9 scorecards.0.checks.1: scorecard "ready", check "tags": unknown operator "equals"; use one of equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, in, notIn, contains, doesNotContain"
    `);
  });

  it('reads scorecards from the file the config names, and lists its problems with their lines', async () => {
    const loaded = await load(`${base}scorecards: ./cards.yaml\n`, { 'cards.yaml': '- id: docs\n  title: Docs\n  filter: { kind: component }\n  checks:\n    - id: has-docs\n      title: Has docs\n      conditions: { all: [{ fact: hasDocs, operator: equal, value: true }] }\n' });
    expect(typeof loaded === 'string' ? loaded : loaded.scorecards.map((c) => `${c.id}: ${c.checks.map((k) => `${k.id}@${k.level}`).join(', ')}`)).toEqual(['docs: has-docs@bronze']);
    const broken = await load(`${base}scorecards: ./broken.yaml\n`, { 'broken.yaml': '- id: Docs\n  title: Docs\n  checks: []\n' });
    expect(broken).toMatchInlineSnapshot(`
      "Invalid scorecards ./broken.yaml:
        ./broken.yaml:1:3 0.id: lowercase letters, digits and dashes
        ./broken.yaml:3:3 0.checks: Too small: expected array to have >=1 items"
    `);
  });

  it('applies the default scorecard when none is configured', async () => {
    const loaded = await load(base);
    expect(typeof loaded === 'string' ? loaded : loaded.scorecards.map((c) => c.id)).toEqual(['default']);
  });

  it('takes a Backstage Tech Insights check pasted as it is', () => {
    // From Backstage's Tech Insights documentation (json-rules-engine check), unchanged.
    const pasted = parse(`
id: groupOwnerCheck
type: json-rules-engine
name: Group Owner Check
description: Verifies that a Group has been set as the spec.owner for this entity
factIds:
  - entityOwnershipFactRetriever
rule:
  conditions:
    all:
      - fact: hasGroupOwner
        operator: equal
        value: true
`);
    const card = resolveScorecard(scorecardSchema.parse({ id: 'pasted', title: 'Pasted', checks: [checkSchema.parse(pasted)] }));
    expect(card.checks[0]).toMatchObject({ id: 'groupOwnerCheck', title: 'Group Owner Check', level: 'bronze', fix: 'Verifies that a Group has been set as the spec.owner for this entity' });
  });
});

describe('the default scorecard on a small catalog', async () => {
  const yaml = [
    'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team\nspec:\n  type: team\n  children: []',
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: good\n  description: Does a thing.\n  annotations:\n    pagerduty.com/service-id: P1\n  links:\n    - url: https://runbooks.example/good\n      title: Runbook\n      type: runbook\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n  system: shop',
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orphan\nspec:\n  type: service\n  lifecycle: production\n  owner: user:nobody',
    'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db\nspec:\n  type: database\n  owner: team',
    'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: shop\nspec:\n  owner: team',
  ].join('\n---\n');
  const repo = memoryRepository('org', { 'catalog-info.yaml': yaml, CODEOWNERS: '* @team\n' }, ['catalog-info.yaml']);
  const catalog = await buildCatalog([{ id: 'memory', listRepositories: async () => [repo] }]);
  const byRef = new Map(catalog.nodes.map((n) => [n.ref, n]));
  const card = resolveScorecard(DEFAULT_SCORECARD);
  const now = new Date('2026-11-30T00:00:00Z');
  const scores = evaluateScorecards(catalog.nodes, [card], {
    contextFor: (node) => ({ byRef, now, files: new Set(['CODEOWNERS']), docs: node.ref.endsWith('/good') ? { lastModified: '2026-10-01T00:00:00Z' } : undefined }),
  });

  it('applies to components and APIs only', () => {
    expect(scores.map((s) => s.entityRef)).toEqual(['component:default/good', 'component:default/orphan']);
    expect(matchesFilter(catalog.nodes.find((n) => n.ref === 'resource:default/db') ?? catalog.nodes[0]!, card.filter)).toBe(false);
  });

  it('reaches gold on fresh docs with plugin facts unknown, and names what fails', () => {
    expect(scores.map((s) => `${s.entityRef} ${s.level} fail:${s.checks.filter((c) => c.result === 'fail').map((c) => c.id).join(',')} unknown:${s.checks.filter((c) => c.result === 'unknown').map((c) => c.id).join(',')}`)).toMatchInlineSnapshot(`
      [
        "component:default/good gold fail: unknown:ci-green,recent-release,no-critical-alerts",
        "component:default/orphan null fail:group-owner,description,docs,system,runbook,on-call unknown:ci-green,recent-release,fresh-docs,no-critical-alerts",
      ]
    `);
  });

  it('stores a build from nothing\'s results as the next build, comparing with its levels, stores them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'playbill-levels-'));
    try {
      const options = { previousFile: join(dir, 'levels.json'), now };
      const first = await buildPortalScorecards(catalog, [], [card], options);
      const second = await buildPortalScorecards(catalog, [], [card], options);
      expect(first).toEqual(second);
      expect(first.find((s) => s.entityRef === 'component:default/orphan')).toMatchObject({ previousLevel: null, previousFailing: ['group-owner', 'description', 'docs', 'system', 'runbook', 'on-call'] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('computes facts from the entity, its relations, its docs and its repository', () => {
    const good = byRef.get('component:default/good');
    if (!good) throw new Error('fixture has no good component');
    expect(factsFor(good, { byRef, now, files: new Set(['CODEOWNERS']), docs: { lastModified: '2026-10-01T00:00:00Z' } })).toMatchObject({
      hasGroupOwner: true,
      ownerKind: 'group',
      hasRunbook: true,
      hasOnCall: true,
      hasCodeowners: true,
      docsAgeDays: 60,
      system: 'system:default/shop',
    });
  });
});

describe('the README', () => {
  it('shows a scorecard config that validates', async () => {
    const readme = await import('node:fs/promises').then((fs) => fs.readFile(join(import.meta.dirname, '../../README.md'), 'utf8'));
    const block = /```yaml\n(scorecards:\n  - id: production-ready[\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const cards = z.object({ scorecards: z.array(scorecardSchema) }).parse(parse(block ?? ''));
    const card = resolveScorecard(cards.scorecards[0] ?? DEFAULT_SCORECARD);
    expect(card.checks.map((c) => `${c.id}@${c.level}`)).toEqual(['on-call@ok', 'docs-here@great']);
    const facts = { annotations: { 'backstage.io/techdocs-ref': 'dir:.' }, hasOnCall: true };
    expect(card.checks.map((c) => evaluateCondition(c.conditions, facts))).toEqual(['pass', 'pass']);
  });
});
