import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForGoAhead } from './go-ahead.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'playbill-go-ahead-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('waitForGoAhead', () => {
  it('returns at once when Astro was not started by the build script', async () => {
    await expect(waitForGoAhead(undefined)).resolves.toEqual({});
  });

  it('returns what the go-ahead asks: a docs-only rebuild tried first, or nothing more', async () => {
    const tryQuick = { out: '/o', cacheDir: '/c', resultFile: '/r', linkedFile: '/l' };
    await writeFile(join(dir, 'quick'), JSON.stringify({ tryQuick }));
    await expect(waitForGoAhead(join(dir, 'quick'))).resolves.toEqual({ tryQuick });
    // Anything else in the file asks nothing more.
    await writeFile(join(dir, 'odd'), JSON.stringify({ tryQuick: { out: 1 } }));
    await expect(waitForGoAhead(join(dir, 'odd'))).resolves.toEqual({});
  });

  it('returns only once the go-ahead file exists', async () => {
    const file = join(dir, 'start');
    let done = false;
    const waiting = waitForGoAhead(file).then((asked) => {
      expect(asked).toEqual({});
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(done).toBe(false);
    await writeFile(file, '');
    await waiting;
    expect(done).toBe(true);
  });

  it('gives up when the process that started it is gone', async () => {
    // A parent that starts a waiting child, prints the child's pid and exits without a go-ahead.
    const waiter = `import(${JSON.stringify(new URL('./go-ahead.ts', import.meta.url).href)}).then((m) => m.waitForGoAhead(${JSON.stringify(join(dir, 'never'))})).then(() => process.exit(0), () => process.exit(3));`;
    const parent = `const c = require('node:child_process').spawn(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(waiter)}], { stdio: 'ignore', detached: true }); c.unref(); console.log(c.pid); setTimeout(() => process.exit(0), 500);`;
    const pid = await new Promise<number>((resolve, reject) => {
      const p = spawn(process.execPath, ['-e', parent], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => (out += String(d)));
      p.on('error', reject);
      p.on('close', () => resolve(Number(out.trim())));
    });
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  });
});
