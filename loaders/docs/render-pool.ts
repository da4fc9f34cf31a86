import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { CodeHighlighter } from './highlight.ts';
import { renderSite, siteRenderResultSchema, type SiteRenderJob, type SiteRenderResult } from './render-site.ts';

/** Below this many pages, starting worker threads costs more than it saves. */
const MIN_PAGES_FOR_WORKERS = 300;

const replySchema = z.union([
  z.object({
    id: z.number(),
    result: siteRenderResultSchema,
    highlights: z.object({ entries: z.array(z.tuple([z.string(), z.string()])), hits: z.number(), misses: z.number() }),
  }),
  z.object({ id: z.number(), error: z.string() }),
]);

/** How `renderSites` runs. */
export interface RenderSitesOptions {
  /** The build's highlight cache file, which the workers start from. */
  cacheFile?: string;
  /** Worker threads at most; the machine's cores by default. */
  threads?: number;
  /** Called when the threads are chosen, then after each site with the pages rendered so far. */
  onProgress?(progress: { done: number; total: number; threads: number }): void;
}

/**
 * Renders docs sites on every core: Markdown rendering is CPU-bound and sites are
 * independent, so each site goes whole to the next free worker thread. Small batches render
 * in this thread. Highlighted code the workers produce is handed back to `highlighter`, so
 * the build's highlight cache keeps it.
 */
export async function renderSites(jobs: readonly SiteRenderJob[], highlighter: CodeHighlighter, options: RenderSitesOptions = {}): Promise<SiteRenderResult[]> {
  const total = jobs.reduce((n, job) => n + job.pages.length, 0);
  const threads = Math.min(options.threads ?? availableParallelism(), jobs.length);
  let done = 0;
  const progress = (job: SiteRenderJob | undefined, used: number) => {
    done += job?.pages.length ?? 0;
    options.onProgress?.({ done, total, threads: used });
  };
  if (threads < 2 || total < MIN_PAGES_FOR_WORKERS) {
    progress(undefined, 1);
    const results: SiteRenderResult[] = [];
    for (const job of jobs) {
      results.push(await renderSite(job, highlighter));
      progress(job, 1);
    }
    return results;
  }
  progress(undefined, threads);
  const results: SiteRenderResult[] = new Array(jobs.length);
  let next = 0;
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./render-worker.ts', import.meta.url), { workerData: { cacheFile: options.cacheFile } }));
  // Workers free their memory one at a time (release-heap.ts sets and unsets a flag V8 holds
  // for the whole process), each as soon as nothing is left for it to render.
  let releases = Promise.resolve();
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let finished = false;
            const send = () => {
              const id = next++;
              const job = jobs[id];
              if (job === undefined) {
                finished = true;
                releases = releases.then(() => releaseMemory(worker));
                return resolve();
              }
              worker.postMessage({ id, job });
            };
            worker.on('message', (message: unknown) => {
              if (finished) return;
              const reply = replySchema.safeParse(message);
              if (!reply.success) return reject(new Error(`docs render worker sent an unexpected reply: ${reply.error.message}`));
              if ('error' in reply.data) return reject(new Error(`docs render worker failed: ${reply.data.error}`));
              results[reply.data.id] = reply.data.result;
              highlighter.absorb(reply.data.highlights);
              progress(jobs[reply.data.id], threads);
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => { if (code !== 0) reject(new Error(`docs render worker exited with code ${code}`)); });
            send();
          }),
      ),
    );
    await releases;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** How long a worker may take to free its memory before it is ended anyway. */
const RELEASE_WAIT_MS = 10_000;

/**
 * Asks a worker with nothing left to render to free its memory (`release-heap.ts`) and waits
 * for it to say so, for an error or exit, or for RELEASE_WAIT_MS; the caller then ends it.
 */
async function releaseMemory(worker: Worker): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    timer = setTimeout(resolve, RELEASE_WAIT_MS);
    worker.once('message', () => resolve());
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
    worker.postMessage({ finish: true });
  });
  clearTimeout(timer);
}
