// Playbill's service worker. Generated per build: the placeholders are filled in by
// src/integrations/playbill.ts. Plain JavaScript, because it runs as is in the browser.
const BUILD_ID = __BUILD_ID__;
const BASE = __BASE__;
const PRECACHE = __PRECACHE__;
const WARM = __WARM__;
const CACHE = `playbill-${BUILD_ID}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // One by one, so a single missing file does not fail the whole install.
      await Promise.all(
        PRECACHE.map(async (url) => {
          try {
            const response = await fetch(url, { cache: 'reload' });
            if (response.ok) await cache.put(url, response);
          } catch {
            /* offline during install: cached later, on use */
          }
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('playbill-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** Caches every search result fragment, a few at a time, so offline search can show excerpts. */
async function warmFragments() {
  const cache = await caches.open(CACHE);
  for (let i = 0; i < WARM.length; i += 8) {
    await Promise.all(
      WARM.slice(i, i + 8).map(async (url) => {
        if (await cache.match(url)) return;
        try {
          const response = await fetch(url);
          if (response.ok) await cache.put(url, response);
        } catch {
          /* try again on the next visit */
        }
      }),
    );
  }
}

self.addEventListener('message', (event) => {
  if (event.data === 'warm') event.waitUntil(warmFragments());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(BASE)) return;

  if (request.mode === 'navigate') {
    // Pages: the network first, so readers see the latest deploy; the cache when offline.
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        try {
          const response = await fetch(request);
          if (response.ok) await cache.put(url.pathname, response.clone());
          return response;
        } catch {
          return (await cache.match(url.pathname)) ?? (await cache.match(`${BASE}offline/`)) ?? Response.error();
        }
      })(),
    );
    return;
  }

  // Hashed assets and the search index: the cache first, then the network (and keep it).
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Pagefind asks for its entry file with a cache-busting query; this cache holds the
      // entry that matches the index chunks it holds, so the query is ignored.
      const key = url.pathname.endsWith('/pagefind/pagefind-entry.json') ? url.pathname : url.pathname + url.search;
      const hit = (await cache.match(key)) ?? (await cache.match(url.pathname));
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    })(),
  );
});
