import type { APIRoute } from 'astro';
import { getProblems } from '../../../lib/catalog-data.ts';

/** Every problem found: severity, repository, file, line, column, entity ref, message. */
export const GET: APIRoute = async () => {
  const problems = await getProblems();
  return new Response(JSON.stringify(problems), { headers: { 'Content-Type': 'application/json' } });
};
