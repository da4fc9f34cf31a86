import type { LoaderContext } from 'astro/loaders';

/** How often a held save is put off again; Astro saves 500 ms after the store's last change. */
const HOLD_EVERY_MS = 250;

/**
 * Astro marks its content store changed as soon as a sync starts and saves the whole store
 * 500 ms after its last change. While the portal is crawled, that save serialized the previous
 * store on the loaders' thread (1.1 s at 10,000 docs pages, 0.24 s at 1,231), and the save at
 * the sync's end did it again with the new data. The returned wrapper runs a loader's `load`;
 * while any wrapped load runs, an unchanged value is set in the collection's `meta` every
 * 250 ms, which puts that save off, so the store is written once, when the sync ends.
 */
export function heldStoreSaves(): (context: Pick<LoaderContext, 'meta'>, load: () => Promise<void>) => Promise<void> {
  let running = 0;
  let timer: NodeJS.Timeout | undefined;
  return async (context, load) => {
    if (running++ === 0) timer = setInterval(() => context.meta.set('loader', 'playbill'), HOLD_EVERY_MS).unref();
    try {
      await load();
    } finally {
      if (--running === 0) clearInterval(timer);
    }
  };
}
