/**
 * A worker thread of the render pool: renders whole docs sites sent by `render-pool.ts`,
 * with its own highlighter (seeded from the build's highlight cache).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { CodeHighlighter } from './highlight.ts';
import { renderSite, siteRenderJobSchema } from './render-site.ts';

const dataSchema = z.object({ cacheFile: z.string().optional() });
const messageSchema = z.object({ id: z.number(), job: siteRenderJobSchema });

const highlighter = new CodeHighlighter();
const { cacheFile } = dataSchema.parse(workerData);
const ready = cacheFile ? highlighter.load(cacheFile) : Promise.resolve();

parentPort?.on('message', async (message: unknown) => {
  const { id, job } = messageSchema.parse(message);
  try {
    await ready;
    const result = await renderSite(job, highlighter);
    parentPort?.postMessage({ id, result, highlights: highlighter.drain() });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
