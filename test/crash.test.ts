/**
 * Crash consistency: a build killed at any stage (crawling, laying out graphs, writing pages,
 * indexing) leaves a cache from which the next build writes exactly the site a clean build
 * writes. New stages that keep state in the cache are covered by the same comparison.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortal, copyFixturePortal, killBuildAt, outputFiles } from './support/build-portal.ts';

let root: string;
let clean: { dist: string };
let recovered: { dist: string; log: string };
const kills: { stage: string; log: string }[] = [];


/** Where each build is killed: a line of its output, and how long after it. */
const STAGES = [
  { stage: 'crawling', marker: '[playbill:sources]', delayMs: 0 },
  { stage: 'after graphs and scorecards, while the content store is written', marker: '[playbill:scorecards]', delayMs: 50 },
  { stage: 'writing pages', marker: 'generating static routes', delayMs: 300 },
  { stage: 'indexing', marker: 'search index and service worker: written once Astro exits', delayMs: 20 },
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'playbill-crash-'));
  const config = await copyFixturePortal(root);
  clean = await buildPortal(config, {}, join(root, 'clean'), { script: true });
  // Every kill shares one cache folder, as CI's saved cache would after each killed run.
  for (const { stage, marker, delayMs } of STAGES) kills.push({ stage, log: await killBuildAt(config, join(root, 'crashed'), marker, delayMs) });
  await rm(join(root, 'crashed', 'dist'), { recursive: true, force: true });
  recovered = await buildPortal(config, {}, join(root, 'crashed'), { script: true });
}, 400_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('a build killed at any stage', () => {
  it('was killed at each stage it names', () => {
    expect(kills.map((k) => k.stage)).toEqual(STAGES.map((s) => s.stage));
    for (const kill of kills) expect(kill.log).not.toContain('[playbill:build] search index and service worker written');
  });

  it('leaves a cache from which the next build writes exactly what a clean build writes', async () => {
    const [after, reference] = await Promise.all([outputFiles(recovered.dist), outputFiles(clean.dist)]);
    expect([...after.keys()].sort()).toEqual([...reference.keys()].sort());
    expect([...reference].filter(([path, bytes]) => !after.get(path)?.equals(bytes)).map(([path]) => path)).toEqual([]);
    expect(after.size).toBeGreaterThan(40);
  });
});
