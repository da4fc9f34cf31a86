import type { APIRoute } from 'astro';
import { getScores, scorecards } from '../../lib/scorecards.ts';

/**
 * Every entity's scorecard results, machine-readable: `{levels, scorecards, entities}`, levels
 * from lowest to highest (of every scorecard, in order, each id once).
 */
export const GET: APIRoute = async () => {
  const { all } = await getScores();
  const levels = new Map<string, string>();
  for (const card of scorecards) for (const level of card.levels) if (!levels.has(level.id)) levels.set(level.id, level.title);
  const body = {
    levels: [...levels].map(([id, title]) => ({ id, title })),
    scorecards: scorecards.map((c) => ({ id: c.id, title: c.title })),
    entities: all.map((s) => ({ entityRef: s.entityRef, scorecard: s.scorecard, level: s.level, checks: s.checks.map((c) => ({ id: c.id, level: c.level, result: c.result })) })),
  };
  return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
};
