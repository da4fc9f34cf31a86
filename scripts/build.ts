/**
 * `npm run build`: `astro build` in a child process, then the search index and the service
 * worker in this one, once Astro has exited. Pagefind holds the whole index in memory; run
 * inside Astro's build it adds that to everything Astro still holds (10,000 docs pages:
 * 2.7 GiB together, against 1.6 GiB for the larger of the two alone).
 * Arguments go to `astro build` as they are.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const dir = await mkdtemp(join(tmpdir(), 'playbill-build-'));
const finishFile = join(dir, 'finish.json');
try {
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', ...process.argv.slice(2)], {
      cwd: process.cwd(),
      stdio: 'inherit',
      // Playbill's own builds send Astro no telemetry (and print no notice about it).
      env: { ASTRO_TELEMETRY_DISABLED: '1', ...process.env, PLAYBILL_FINISH_FILE: finishFile },
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) process.exitCode = code ?? 1;
  else {
    // Imported only now: loaded before, Pagefind and the rest sat in this process's memory
    // (about 40 MiB) the whole time Astro ran, adding to the build's peak.
    const { finishOptionsSchema, finishSite } = await import('../src/integrations/search-and-offline.ts');
    const options = finishOptionsSchema.parse(JSON.parse(await readFile(finishFile, 'utf8')));
    // Lines in Astro's format, labelled with the stage that wrote them.
    const loggerFor = (stage: string) => {
      const write = (message: string) => process.stdout.write(`${new Date().toTimeString().slice(0, 8)} [playbill:${stage}] ${message}\n`);
      return { info: write, warn: write };
    };
    const started = Date.now();
    await finishSite(options, loggerFor);
    loggerFor('build').info(`search index and service worker written in ${Date.now() - started} ms`);
  }
} catch (error) {
  process.stderr.write(`playbill build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
