/**
 * A worker thread of the render pool: renders whole docs sites sent by `render-pool.ts`,
 * with its own highlighter (seeded from the build's highlight cache), and views API
 * definitions.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { viewTaskSchema } from '../apis/definition-view.ts';
import { keepDefinitionView } from '../apis/portal-apis.ts';
import { disposeDefinitionHighlighters } from '../apis/highlight-definition.ts';
import { CodeHighlighter } from './highlight.ts';
import { releaseHeap } from '../release-heap.ts';
import { renderSite, siteRenderJobSchema } from './render-site.ts';

const dataSchema = z.object({ cacheFile: z.string().optional() });
const messageSchema = z.union([
  z.object({ id: z.number(), job: siteRenderJobSchema }),
  z.object({ id: z.number(), definition: viewTaskSchema }),
  z.object({ finish: z.literal(true) }),
]);

const highlighter = new CodeHighlighter();
const { cacheFile } = dataSchema.parse(workerData);
const ready = cacheFile ? highlighter.load(cacheFile) : Promise.resolve();
/**
 * A thread that viewed definitions, when it moves on to sites, frees their highlighters
 * (compiled grammars) and the memory they held (release-heap.ts), as it would at its end.
 */
let viewingDefinitions = false;

parentPort?.on('message', async (message: unknown) => {
  const parsed = messageSchema.parse(message);
  if ('finish' in parsed) {
    // The last message: nothing more to render, so free this thread's memory before it ends.
    parentPort?.postMessage({ finished: releaseHeap() });
    return;
  }
  if ('definition' in parsed) {
    const { id, definition } = parsed;
    viewingDefinitions = true;
    // A definition whose view is not kept is viewed again by its page, as before views were made here.
    const reply = await keepDefinitionView(definition).then(() => ({ id, kept: true }), (error: unknown) => ({ id, viewError: String(error) }));
    parentPort?.postMessage(reply);
    return;
  }
  const { id, job } = parsed;
  try {
    if (viewingDefinitions) {
      viewingDefinitions = false;
      await disposeDefinitionHighlighters();
      releaseHeap();
    }
    await ready;
    const result = await renderSite(job, highlighter);
    parentPort?.postMessage({ id, result, highlights: highlighter.drain() });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
