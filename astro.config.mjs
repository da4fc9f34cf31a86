// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import { loadConfig } from './loaders/config.ts';
import { waitForGoAhead } from './src/integrations/go-ahead.ts';
import { playbill } from './src/integrations/playbill.ts';
import * as portalLoader from './loaders/portal-loader.ts';

// Under `npm run build`, Astro loads its code while the build script checks whether the last
// build's output can be put back instead, and waits here, before it reads or writes
// anything, for the script to say a build is needed (it stops Astro otherwise).
const goAhead = await waitForGoAhead();
const loaded = loadConfig();
const { config } = loaded;

// The content loaders, loaded above by Node itself (under `npm run build` while the reuse
// check runs), and the config as read here, handed to src/content.config.ts. Imported there,
// Vite would first transform each of their TypeScript files: the content sync started 0.7 s
// later at 1,231 docs pages (medians of six one-repository rebuilds in alternating blocks).
// The catch: under `astro dev`, a change to loader code needs a restart to show.
// When only source files changed, the portal's content is built first, and if only docs
// pages' text changed, this process writes them into the last build's output and exits
// here; else that portal goes to the content sync too (which lets go of it once stored).
/** @type {Record<symbol, unknown>} */ (globalThis)[Symbol.for('playbill.preloaded')] = {
  portalLoader,
  loaded,
  portal: goAhead.tryQuick ? await (await import('./src/integrations/quick-rebuild.ts')).tryQuickRebuild(loaded, goAhead.tryQuick) : undefined,
};

/**
 * Astro 7.3 writes `"use astro:head-inject";` at the top of every MDX file's
 * propagated-assets module. Nothing reads that directive any more (Astro finds propagation
 * through `__astroPropagation`), but the bundler warns that it cannot keep it
 * (withastro/astro#18087). Dropping the dead line is the fix, not hiding the warning.
 * @returns {import('vite').Plugin}
 */
function withoutDeadHeadInjectDirective() {
  return {
    name: 'playbill:without-dead-head-inject-directive',
    enforce: 'post',
    transform: {
      filter: { id: /[?&]astroPropagatedAssets(?:&|=|$)/ },
      handler(code) {
        const stripped = code.replace(/^\s*"use astro:head-inject";\s*$/m, '');
        return stripped === code ? null : { code: stripped, map: null };
      },
    },
  };
}

export default defineConfig({
  site: config.site.url,
  // Tests build fixture portals side by side; each gets its own content-layer cache.
  ...(process.env.PLAYBILL_CACHE_DIR ? { cacheDir: process.env.PLAYBILL_CACHE_DIR } : {}),
  base: config.site.base,
  trailingSlash: 'always',
  // Four pages at a time: while one page's file is written, the next renders (page generation
  // 10.7 s → 9.5 s at 2,657 pages, median of three alternating runs; same bytes out).
  build: { format: 'directory', concurrency: 4 },
  // The sitemap needs absolute URLs, so it is written only when site.url is set.
  integrations: [mdx(), ...(config.site.url ? [sitemap({ filter: (page) => !page.includes('/offline/') })] : []), playbill()],
  devToolbar: { enabled: false },
  // Pages whose getStaticPaths() cacheKey and code are unchanged are copied from the last
  // build (kept in cacheDir) instead of rendered again.
  experimental: { incrementalBuild: true },
  vite: {
    build: {
      // No inline scripts, so hosts can send Content-Security-Policy: script-src 'self'.
      assetsInlineLimit: 0,
      // `npm run build` empties the output folder itself and links back the pages Astro may
      // leave as they are (scripts/prepare-output.ts); Astro must not empty it again.
      ...(process.env.PLAYBILL_OUT_PREPARED ? { emptyOutDir: false } : {}),
    },
    plugins: [withoutDeadHeadInjectDirective()],
    // `npm run dev` would otherwise watch the benchmark's generated organisations and sites
    // (`npm run bench`: 100,000 files at 10,000 docs pages, past Linux's default watch limit).
    server: { watch: { ignored: ['**/bench/out/**'] } },
  },
  markdown: { shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } } },
});
