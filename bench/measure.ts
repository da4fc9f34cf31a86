/**
 * Measuring one build: wall time, and the peak resident memory of the whole process tree
 * (sampled every 100 ms from /proc), for Playbill and for the tools it is compared with.
 */
import { spawn } from 'node:child_process';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** Sum of the resident memory of a process and all its descendants, from /proc. */
export async function treeRss(rootPid: number): Promise<number> {
  const children = new Map<number, number[]>();
  let total = 0;
  const rss = new Map<number, number>();
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    rss.set(Number(entry), kb);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const walk = (pid: number) => {
    total += rss.get(pid) ?? 0;
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(rootPid);
  return total * 1024;
}

export async function folderStats(dir: string): Promise<{ bytes: number; files: number; pages: number }> {
  let bytes = 0;
  let files = 0;
  let pages = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    if (entry.name === 'index.html') pages++;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { bytes, files, pages };
}

/** Runs one build as `npm run build` does, sampling the process tree's memory every 100 ms. */
export async function build(config: string, cacheDir: string, outDir: string, logFile: string, env: NodeJS.ProcessEnv = {}): Promise<{ seconds: number; peak: number; log: string }> {
  // What `npm run build` runs: Astro, then the search index once Astro has exited.
  return measureCommand(process.execPath, [join(ROOT, 'scripts/build.ts'), '--outDir', outDir], { cwd: ROOT, env: { ...env, PLAYBILL_CONFIG: config, PLAYBILL_CACHE_DIR: cacheDir } }, logFile);
}

/** Runs any command to completion, with its wall time and the peak memory of its process tree. */
export async function measureCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }, logFile: string): Promise<{ seconds: number; peak: number; log: string }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid) void treeRss(child.pid).then((v) => (peak = Math.max(peak, v)));
  }, 100);
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  clearInterval(timer);
  await appendFile(logFile, log);
  if (code !== 0) throw new Error(`build failed (exit ${code}); see ${logFile}`);
  return { seconds: (performance.now() - started) / 1000, peak, log };
}

