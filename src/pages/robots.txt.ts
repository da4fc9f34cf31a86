import type { APIRoute } from 'astro';
import { site } from '../lib/site.ts';

/** robots.txt, naming the sitemap when the site's absolute URL is known. */
export const GET: APIRoute = () => {
  const lines = ['User-agent: *', 'Allow: /'];
  if (site.url) lines.push(`Sitemap: ${new URL(`${site.base}sitemap-index.xml`, site.url).href}`);
  return new Response(`${lines.join('\n')}\n`, { headers: { 'Content-Type': 'text/plain' } });
};
