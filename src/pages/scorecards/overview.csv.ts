import type { APIRoute } from 'astro';
import { overviewCsv } from '../../lib/scorecard-overview.ts';

/** The scorecards overview as a spreadsheet: one line per team and scorecard. */
export const GET: APIRoute = async () => new Response(await overviewCsv(), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
