import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Collects everything this thread can and hands the memory it freed back to the system.
 * Node 24's V8 keeps freed memory pages in pools: a thread's own, for it to reuse, and, once
 * a worker thread has ended, a shared one emptied 8 s later. V8's "last resort" collection
 * empties the calling thread's pool at once. Used by a docs render thread about to end (they
 * end just before Astro bundles and starts generating pages, when a build peaks: 426 MiB of
 * theirs stayed resident through it at 1,231 docs pages; a thread that had allocated 500 MiB
 * now leaves 28 MiB instead of 480), and by the build script once it only waits for
 * Pagefind. Its `gc` is taken from a fresh context with the flag that exposes it set just
 * for that; the flag is the whole process's, so threads of one process take turns.
 */
export function releaseHeap(): boolean {
  let gc: unknown;
  setFlagsFromString('--expose-gc');
  try {
    gc = runInNewContext('gc');
  } catch {
    // Another thread unset the flag between the two calls: nothing is freed this time.
    return false;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  if (typeof gc !== 'function') return false;
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return true;
}
