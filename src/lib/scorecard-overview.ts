import { displayName, getCatalog } from './catalog-data.ts';
import { scorecards, scoredTeams, summariseTeam, type TeamSummary } from './scorecards.ts';

/** One row of the overview: a team (with its sub-teams) and its summary. */
export interface OverviewRow {
  team: string;
  name: string;
  summary: TeamSummary;
}

/** The team × scorecard overview, one row per team that owns something scored. */
export async function overviewRows(): Promise<OverviewRow[]> {
  const { byRef } = await getCatalog();
  const rows: OverviewRow[] = [];
  for (const team of await scoredTeams()) {
    const node = byRef.get(team);
    rows.push({ team, name: node ? displayName(node.entity) : team, summary: await summariseTeam(team, [team]) });
  }
  return rows;
}

/** Quotes a CSV field when it needs it (RFC 4180). */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The overview as CSV: one line per team and scorecard, entities at each level and failing checks. */
export async function overviewCsv(): Promise<string> {
  const rows = await overviewRows();
  const levelIds = [...new Set(scorecards.flatMap((c) => c.levels.map((l) => l.id)))];
  const head = ['team', 'scorecard', 'entities', 'no level', ...levelIds, 'failing checks'];
  const lines = [head];
  for (const row of rows) {
    for (const card of scorecards) {
      const bucket = row.summary.levels.get(card.id);
      if (!bucket) continue;
      const failing = [...(row.summary.failing.get(card.id)?.values() ?? [])].reduce((n, c) => n + c.now, 0);
      lines.push([row.team, card.id, String(bucket.total), String(bucket.now.get('') ?? 0), ...levelIds.map((id) => String(bucket.now.get(id) ?? 0)), String(failing)]);
    }
  }
  return `${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}
