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
  return { dir, dist, log: withoutColour(stdout + stderr) };
}

/** Every file under an output folder, by path relative to it: for comparing two builds byte for byte. */
export async function outputFiles(dir: string): Promise<Map<string, Buffer>> {
  const { readdir, readFile } = await import('node:fs/promises');
  const found = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) found.set(join(entry.parentPath, entry.name).slice(dir.length + 1), await readFile(join(entry.parentPath, entry.name)));
  }
  return found;
}

/** A log as a person reads it: Astro colours its labels in some environments (CI among them). */
export function withoutColour(log: string): string {
  return log.replace(/\u001b\[[0-9;]*m/g, '');
}

/**
 * Starts `npm run build`'s script and kills it, the whole process tree at once (SIGKILL, as a
 * CI runner that times out or a machine that dies would), `delayMs` after `marker` appears in
 * its output. Resolves with the output up to then; rejects if the build ended before the marker.
 */
export async function killBuildAt(config: string, dir: string, marker: string, delayMs = 0): Promise<string> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [join(ROOT, 'scripts/build.ts'), '--outDir', join(dir, 'dist')], {
    cwd: ROOT,
    env: { ...cleanEnv(), PLAYBILL_CONFIG: config, PLAYBILL_CACHE_DIR: join(dir, 'cache') },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let killed = false;
  const onData = (chunk: Buffer) => {
    log += withoutColour(chunk.toString());
    if (!killed && log.includes(marker)) {
      killed = true;
      setTimeout(() => {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      }, delayMs);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (!killed) throw new Error(`the build ended (exit ${code}) before "${marker}" appeared:\n${log}`);
  return log;
}

/**
 * Copies the fixture portal (its repositories and the broken organisation beside it, keeping
 * the layout its config names) into `root`, for tests that edit it or compare two builds from
 * nothing. Its fetching plugin is left out: its cards say when their data was fetched, which
 * differs between two builds by design. Returns the copied config's path.
 */
export async function copyFixturePortal(root: string): Promise<string> {
  const { cp, readFile, writeFile } = await import('node:fs/promises');
  const fixtures = join(ROOT, 'test/fixtures');
  await cp(join(fixtures, 'site'), join(root, 'site'), { recursive: true });
  await cp(join(fixtures, 'broken-org'), join(root, 'broken-org'), { recursive: true });
  const config = join(root, 'site', 'playbill.config.yaml');
  await writeFile(config, (await readFile(config, 'utf8')).replace(/^plugins:[\s\S]*$/m, ''));
  return config;
}
