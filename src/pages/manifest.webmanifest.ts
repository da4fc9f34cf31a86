import type { APIRoute } from 'astro';
import { site } from '../lib/site.ts';

/** Web app manifest, so the portal can be installed; paths follow the site base. */
export const GET: APIRoute = () => {
  const base = site.base;
  const manifest = {
    name: site.title,
    short_name: site.title.length > 12 ? 'Portal' : site.title,
    start_url: base,
    scope: base,
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#0a58ca',
    icons: [
      { src: `${base}icon-192.png`, sizes: '192x192', type: 'image/png' },
      { src: `${base}icon-512.png`, sizes: '512x512', type: 'image/png' },
      { src: `${base}favicon.svg`, sizes: 'any', type: 'image/svg+xml' },
    ],
  };
  return new Response(JSON.stringify(manifest), { headers: { 'Content-Type': 'application/manifest+json' } });
};
