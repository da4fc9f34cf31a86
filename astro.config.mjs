// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import { loadConfig } from './loaders/config.ts';
import { playbill } from './src/integrations/playbill.ts';

const { config } = loadConfig();

export default defineConfig({
  site: config.site.url,
  // Tests build fixture portals side by side; each gets its own content-layer cache.
  ...(process.env.PLAYBILL_CACHE_DIR ? { cacheDir: process.env.PLAYBILL_CACHE_DIR } : {}),
  base: config.site.base,
  trailingSlash: 'always',
  build: { format: 'directory' },
  // The sitemap needs absolute URLs, so it is written only when site.url is set.
  integrations: [mdx(), ...(config.site.url ? [sitemap({ filter: (page) => !page.includes('/offline/') })] : []), playbill()],
  devToolbar: { enabled: false },
  // Pages whose getStaticPaths() cacheKey and code are unchanged are copied from the last
  // build (kept in cacheDir) instead of rendered again.
  experimental: { incrementalBuild: true },
  // No inline scripts, so hosts can send Content-Security-Policy: script-src 'self'.
  vite: { build: { assetsInlineLimit: 0 } },
  markdown: { shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } } },
});
