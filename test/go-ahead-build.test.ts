/**
 * `npm run build` starts Astro alongside its check for a reusable last build; Astro must not
 * read the catalog or write anything until the build script gives the go-ahead, since the
 * script may instead stop it and put the last output back.
 */
import { spawn } from 'node:child_process';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, copyFixturePortal } from './support/build-portal.ts';

const ROOT = join(import.meta.dirname, '..');
let root = '';
afterAll(() => rm(root, { recursive: true, force: true }));

const exists = (path: string) => access(path).then(() => true, () => false);

describe('astro build under npm run build', () => {
  it('writes nothing until it gets the go-ahead, then builds', async () => {
    root = await mkdtemp(join(tmpdir(), 'playbill-go-ahead-build-'));
    const config = await copyFixturePortal(root);
    const [dist, cache, start] = [join(root, 'dist'), join(root, 'cache'), join(root, 'start')];
    const astro = spawn(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', dist], {
      cwd: ROOT,
      env: { ...cleanEnv(), PLAYBILL_CONFIG: config, PLAYBILL_CACHE_DIR: cache, PLAYBILL_START_FILE: start },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    astro.stdout.on('data', (d) => (log += String(d)));
    astro.stderr.on('data', (d) => (log += String(d)));
    const exited = new Promise<number | null>((resolve) => astro.on('close', resolve));
    // Long enough for Astro to load its code and reach the content layer, were it not waiting.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(astro.exitCode).toBeNull();
    expect({ dist: await exists(dist), cache: await exists(cache) }).toEqual({ dist: false, cache: false });
    expect(log).not.toMatch(/Syncing content|\[build\]/);
    await writeFile(start, '');
    expect(await exited).toBe(0);
    expect(log).toMatch(/Complete!/);
    expect(await readdir(dist)).toContain('index.html');
  }, 180_000);
});
