// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
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
  integrations: [mdx(), playbill()],
  devToolbar: { enabled: false },
  markdown: { shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } } },
});
