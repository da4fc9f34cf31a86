import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { ViewTask } from '../apis/definition-view.ts';
import { keepDefinitionView } from '../apis/portal-apis.ts';
import type { CodeHighlighter } from './highlight.ts';
import { renderSite, siteRenderResultSchema, type SiteRenderJob, type SiteRenderResult } from './render-site.ts';

/** Below this many pages and definitions, starting worker threads costs more than it saves. */
const MIN_PAGES_FOR_WORKERS = 300;

const replySchema = z.union([
  z.object({
    id: z.number(),
    result: siteRenderResultSchema,
    highlights: z.object({ entries: z.array(z.tuple([z.string(), z.string()])), hits: z.number(), misses: z.number() }),
  }),
  z.object({ id: z.number(), kept: z.literal(true) }),
  z.object({ id: z.number(), viewError: z.string() }),
  z.object({ id: z.number(), error: z.string() }),
]);

/** What the pool renders: docs sites, and API definitions to view and keep (`apis/portal-apis.ts`). */
export interface RenderWork {
  sites: readonly SiteRenderJob[];
  definitions?: readonly ViewTask[];
}

/** One result per site, and per definition whether its view was kept (when not, its page views it itself). */
export interface RenderedWork {
  sites: SiteRenderResult[];
  definitions: boolean[];
}

/** How `renderInPool` runs. */
export interface RenderPoolOptions {
  /** The build's highlight cache file, which the workers start from. */
  cacheFile?: string;
  /** Worker threads at most; the machine's cores by default. */
  threads?: number;
  /**
   * Called when the threads are chosen, then after each site and each definition with the
   * work done so far: a site counts its pages, a definition one.
   */
  onProgress?(progress: { done: number; total: number; threads: number }): void;
}

/**
 * Renders docs sites on every core: Markdown rendering is CPU-bound and sites are
 * independent, so each site goes whole to the next free worker thread. API definitions are
 * viewed (highlighted and summarised) and kept on the same threads, which takes that work
 * off the one thread Astro generates pages on. Small batches render in this thread.
 * Highlighted code the workers produce is handed back to `highlighter`, so the build's
 * highlight cache keeps it.
 */
export async function renderInPool(work: RenderWork, highlighter: CodeHighlighter, options: RenderPoolOptions = {}): Promise<RenderedWork> {
  const { sites: jobs, definitions = [] } = work;
  const total = jobs.reduce((n, job) => n + job.pages.length, 0) + definitions.length;
  const threads = Math.min(options.threads ?? availableParallelism(), jobs.length + definitions.length);
  let done = 0;
  const progress = (units: number, used: number) => {
    done += units;
    options.onProgress?.({ done, total, threads: used });
  };
  const rendered: RenderedWork = { sites: new Array(jobs.length), definitions: new Array(definitions.length) };
  if (threads < 2 || total < MIN_PAGES_FOR_WORKERS) {
    progress(0, 1);
    for (const [i, job] of jobs.entries()) {
      rendered.sites[i] = await renderSite(job, highlighter);
      progress(job.pages.length, 1);
    }
    for (const [i, task] of definitions.entries()) {
      rendered.definitions[i] = await keepDefinitionView(task).then(() => true, () => false);
      progress(1, 1);
    }
    return rendered;
  }
  progress(0, threads);
  // One thread starts on the definitions, the others on the sites, and each takes from the
  // other list once its own is empty. Viewing definitions grows a thread's memory (a
  // highlighter, the YAML parsed): with every thread viewing them the docs stage peaked at
  // 1,020–1,046 MiB at 1,231 docs pages, with one at 987–1,004 (the code before: 957–1,013).
  // Items are numbered sites first, then definitions; each list holds the numbers left to send.
  const items = [...jobs.map((job, index) => ({ job, index })), ...definitions.map((definition, index) => ({ definition, index }))];
  const lists = { sites: jobs.map((_, i) => i), definitions: definitions.map((_, i) => jobs.length + i) };
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./render-worker.ts', import.meta.url), { workerData: { cacheFile: options.cacheFile } }));
  // Workers free their memory one at a time (release-heap.ts sets and unsets a flag V8 holds
  // for the whole process), each as soon as nothing is left for it to render.
  let releases = Promise.resolve();
  try {
    await Promise.all(
      workers.map(
        (worker, w) =>
          new Promise<void>((resolve, reject) => {
            let finished = false;
            const [own, other] = w === threads - 1 && lists.definitions.length > 0 ? [lists.definitions, lists.sites] : [lists.sites, lists.definitions];
            const send = () => {
              const id = own.shift() ?? other.shift();
              const item = id === undefined ? undefined : items[id];
              if (id === undefined || item === undefined) {
                finished = true;
                releases = releases.then(() => releaseMemory(worker));
                return resolve();
              }
              worker.postMessage('job' in item ? { id, job: item.job } : { id, definition: item.definition });
            };
            worker.on('message', (message: unknown) => {
              if (finished) return;
              const reply = replySchema.safeParse(message);
              if (!reply.success) return reject(new Error(`docs render worker sent an unexpected reply: ${reply.error.message}`));
              const { data } = reply;
              if ('error' in data) return reject(new Error(`docs render worker failed: ${data.error}`));
              const item = items[data.id];
              if (item && 'job' in item && 'result' in data) {
                rendered.sites[item.index] = data.result;
                highlighter.absorb(data.highlights);
                progress(item.job.pages.length, threads);
              } else if (item && 'definition' in item && !('result' in data)) {
                rendered.definitions[item.index] = 'kept' in data;
                progress(1, threads);
              } else {
                return reject(new Error(`docs render worker answered job ${data.id} with the wrong kind of result`));
              }
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
  return rendered;
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
