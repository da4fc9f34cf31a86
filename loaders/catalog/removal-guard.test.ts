import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryRepository } from '../sources/memory.ts';
import { buildCatalog } from './build-catalog.ts';

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n`;
/** A source of `count` repositories with one component each, as a GitHub org would be. */
const org = (count: number) => ({
  id: 'github:acme',
  listRepositories: async () => Array.from({ length: count }, (_, i) => memoryRepository(`acme/svc-${i}`, { 'catalog-info.yaml': component(`svc-${i}`) }, ['catalog-info.yaml'])),
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'playbill-guard-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('mass-removal guard', () => {
  it('stops the build when a source loses more than the allowed share, naming the source, the counts and the settings', async () => {
    const guard = { file: join(dir, 'counts.json'), maxDrop: 0.5, allow: false };
    await buildCatalog([org(10)], { removalGuard: guard });
    const error = await buildCatalog([org(3)], { removalGuard: guard }).catch((e: unknown) => e);
    expect(String(error)).toMatchInlineSnapshot(`
      "Error: Stopped before publishing a portal that lost most of a source:
        github:acme had 10 entities in the last good build and has 3 now (70% gone)
      The deployed portal stays as it was. If a token or GitHub App lost access, restore it and build again. If the removal is deliberate, build once with PLAYBILL_ALLOW_REMOVAL=1, or raise catalog.maxRemovedShare (now 0.5) in the config."
    `);
    // The baseline stays the last good build's: a second try still stops.
    await expect(buildCatalog([org(3)], { removalGuard: guard })).rejects.toThrow('had 10 entities');
  });

  it('lets a removal within the share through, and a deliberate larger one with the override', async () => {
    const guard = { file: join(dir, 'counts.json'), maxDrop: 0.5, allow: false };
    await buildCatalog([org(10)], { removalGuard: guard });
    expect((await buildCatalog([org(5)], { removalGuard: guard })).nodes).toHaveLength(5);
    expect((await buildCatalog([org(1)], { removalGuard: { ...guard, allow: true } })).nodes).toHaveLength(1);
    // The confirmed removal is the new baseline.
    expect((await buildCatalog([org(1)], { removalGuard: guard })).nodes).toHaveLength(1);
  });
});

describe('a damaged cache', () => {
  it('is no baseline: a half-written counts file never stops or crashes the build', async () => {
    const guard = { file: join(dir, 'counts.json'), maxDrop: 0.5, allow: false };
    await writeFile(guard.file, '{"version": 1, "entities": {"github:acme"');
    expect((await buildCatalog([org(2)], { removalGuard: guard })).nodes).toHaveLength(2);
  });
});
