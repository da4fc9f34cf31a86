import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '../..');

/** The environment without what Vitest adds (it mirrors import.meta.env: BASE_URL, MODE…), as CI would run a build. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const skip = new Set(['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'NODE_ENV', 'TEST']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !skip.has(k) && !k.startsWith('VITEST')));
}

/**
 * Runs a real build with a given config into a fresh folder; returns the folder and the log.
 * `astro build` by default; `script: true` runs `scripts/build.ts` (what `npm run build` runs).
 * An `env` entry set to undefined removes that variable.
 */
export async function buildPortal(config: string, env: NodeJS.ProcessEnv = {}, dir?: string, options: { script?: boolean } = {}): Promise<{ dir: string; dist: string; log: string }> {
  dir ??= await mkdtemp(join(tmpdir(), 'playbill-build-'));
  const dist = join(dir, 'dist');
  const command = options.script ? [join(ROOT, 'scripts/build.ts')] : [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build'];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [...command, '--outDir', dist], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries({ ...cleanEnv(), ...env, PLAYBILL_CONFIG: config, PLAYBILL_CACHE_DIR: join(dir, 'cache') }).filter(([, v]) => v !== undefined)),
    maxBuffer: 64 * 1024 * 1024,
  });
  return { dir, dist, log: stdout + stderr };
}
