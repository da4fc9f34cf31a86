/**
 * A worker thread of the render pool: renders whole docs sites sent by `render-pool.ts`,
 * with its own highlighter (seeded from the build's highlight cache).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { CodeHighlighter } from './highlight.ts';
import { releaseHeap } from '../release-heap.ts';
import { renderSite, siteRenderJobSchema } from './render-site.ts';

const dataSchema = z.object({ cacheFile: z.string().optional() });
const messageSchema = z.union([z.object({ id: z.number(), job: siteRenderJobSchema }), z.object({ finish: z.literal(true) })]);

const highlighter = new CodeHighlighter();
const { cacheFile } = dataSchema.parse(workerData);
const ready = cacheFile ? highlighter.load(cacheFile) : Promise.resolve();

parentPort?.on('message', async (message: unknown) => {
  const parsed = messageSchema.parse(message);
  if ('finish' in parsed) {
    // The last message: nothing more to render, so free this thread's memory before it ends.
    parentPort?.postMessage({ finished: releaseHeap() });
    return;
  }
  const { id, job } = parsed;
  try {
    await ready;
    const result = await renderSite(job, highlighter);
    parentPort?.postMessage({ id, result, highlights: highlighter.drain() });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
