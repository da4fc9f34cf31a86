// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { loadConfig } from './loaders/config.ts';

const { config } = loadConfig();

export default defineConfig({
  site: config.site.url,
  base: config.site.base,
  trailingSlash: 'always',
  build: { format: 'directory' },
  integrations: [mdx()],
  devToolbar: { enabled: false },
});
