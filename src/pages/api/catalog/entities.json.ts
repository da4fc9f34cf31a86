import type { APIRoute } from 'astro';
import { getCatalog } from '../../../lib/catalog-data.ts';

/** Every entity in Backstage's shape, relations included. */
export const GET: APIRoute = async () => {
  const { nodes } = await getCatalog();
  return new Response(JSON.stringify(nodes.map((n) => n.entity)), { headers: { 'Content-Type': 'application/json' } });
};
