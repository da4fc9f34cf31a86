import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { heldStoreSaves } from './held-store-saves.ts';

/** A store that saves 500 ms after its last change, as Astro's content store does. */
function debouncedStore() {
  const saves: number[] = [];
  let timeout: NodeJS.Timeout | undefined;
  const change = () => {
    clearTimeout(timeout);
    timeout = setTimeout(() => saves.push(Date.now()), 500);
  };
  const meta = { get: () => undefined, has: () => false, delete: change, set: change };
  return { saves, change, context: { meta } };
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('heldStoreSaves', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('puts off the store save while loads run, so it happens once, after the last one', async () => {
    const store = debouncedStore();
    const held = heldStoreSaves();
    store.change(); // the sync starts: Astro records its own meta
    const loads = Promise.all([
      held(store.context, async () => {
        await wait(3000); // a long crawl
        store.change();
      }),
      held(store.context, async () => {
        await wait(4000);
        store.change();
      }),
    ]);
    await vi.advanceTimersByTimeAsync(4000);
    await loads;
    expect(store.saves).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(store.saves).toHaveLength(1);
    expect(store.saves[0]).toBeGreaterThanOrEqual(4000);
    expect(store.saves[0]).toBeLessThanOrEqual(4500);
  });

  it('without it, the same sync saves the store twice', async () => {
    const store = debouncedStore();
    store.change();
    await vi.advanceTimersByTimeAsync(3000);
    store.change();
    await vi.advanceTimersByTimeAsync(2000);
    expect(store.saves).toEqual([500, 3500]);
  });

  it('stops holding when a load fails, and holds again for the next sync', async () => {
    const store = debouncedStore();
    const held = heldStoreSaves();
    const failing = held(store.context, async () => {
      await wait(1000);
      throw new Error('crawl failed');
    });
    const settled = expect(failing).rejects.toThrow('crawl failed');
    await vi.advanceTimersByTimeAsync(1000);
    await settled;
    await vi.advanceTimersByTimeAsync(2000);
    expect(store.saves).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);

    const next = held(store.context, () => wait(2000));
    await vi.advanceTimersByTimeAsync(2000);
    await next;
    expect(store.saves).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.saves).toHaveLength(2);
  });
});
