import { getCollection, type CollectionEntry } from 'astro:content';
import { staleBefore, type Scorecard } from '../../loaders/scorecards/schema.ts';
import { parseEntityRef } from '../../loaders/catalog/refs.ts';
import { matchesFilter } from '../../loaders/scorecards/evaluate.ts';
import { displayName, getCatalog, getDocsLastChanged, getDocsSites, getProblems, type CatalogNode } from './catalog-data.ts';
import { loaded } from './site.ts';

export type EntityScore = CollectionEntry<'scorecards'>['data'];

/** The scorecards in force: the config's, or the default one. */
export const scorecards: readonly Scorecard[] = loaded.scorecards;

let cache: Promise<{ all: EntityScore[]; byEntity: Map<string, EntityScore[]> }> | undefined;

/** Every entity's results, and each entity's by ref. Read once per build. */
export function getScores() {
  // With no entity under any scorecard there is no such collection to ask for.
  cache ??= getCatalog().then(async ({ nodes }) => {
    const entries = nodes.some((n) => scorecards.some((c) => matchesFilter(n, c.filter))) ? await getCollection('scorecards') : [];
    const all = entries.map((e) => e.data).sort((a, b) => a.scorecard.localeCompare(b.scorecard) || a.entityRef.localeCompare(b.entityRef));
    const byEntity = new Map<string, EntityScore[]>();
    for (const score of all) byEntity.set(score.entityRef, [...(byEntity.get(score.entityRef) ?? []), score]);
    return { all, byEntity };
  });
  return cache;
}

/** A scorecard by id. */
export function scorecardById(id: string): Scorecard | undefined {
  return scorecards.find((c) => c.id === id);
}

/** Position of a level in its scorecard, -1 for none: higher is better. */
export function levelRank(card: Scorecard, level: string | null | undefined): number {
  return level ? card.levels.findIndex((l) => l.id === level) : -1;
}

/** The groups under a group (its sub-teams, their sub-teams…), itself first. */
export function teamAndSubteams(byRef: ReadonlyMap<string, CatalogNode>, ref: string): string[] {
  const found = [ref];
  for (let i = 0; i < found.length; i++) {
    for (const r of byRef.get(found[i] ?? '')?.entity.relations ?? []) if (r.type === 'parentOf' && !found.includes(r.targetRef)) found.push(r.targetRef);
  }
  return found;
}

/** A team's view of the scorecards: what it owns (directly, or with its sub-teams) and how it scores. */
export interface TeamSummary {
  team: string;
  owned: CatalogNode[];
  /** Per scorecard: entities at each level id ('' for none), now and in the previous build. */
  levels: Map<string, { now: Map<string, number>; before: Map<string, number>; total: number }>;
  /** Per scorecard and check: how many entities fail it now and in the previous build. */
  failing: Map<string, Map<string, { now: number; before: number | undefined; total: number }>>;
  /** Components and APIs owned, how many have docs, and which docs have not changed in `STALE_DOCS_DAYS` days (`staleBefore`). */
  docs: { documentable: number; documented: number; stale: { ref: string; lastModified: string }[] };
}

let byOwner: Promise<Map<string, CatalogNode[]>> | undefined;

/** Every entity by its owner's ref, in catalog order: built once, not once per team page. */
function ownedByOwner() {
  byOwner ??= getCatalog().then(({ nodes }) => {
    const owners = new Map<string, CatalogNode[]>();
    for (const node of nodes) {
      for (const r of node.entity.relations) {
        if (r.type !== 'ownedBy') continue;
        const list = owners.get(r.targetRef);
        if (list) list.push(node);
        else owners.set(r.targetRef, [node]);
      }
    }
    return owners;
  });
  return byOwner;
}

/** Summarises what `teams` own (one team, or a team with its sub-teams). */
export async function summariseTeam(team: string, members: readonly string[]): Promise<TeamSummary> {
  const { byEntity } = await getScores();
  const owners = await ownedByOwner();
  const owned = [...new Set(members)].flatMap((m) => owners.get(m) ?? []).sort((a, b) => a.ref.localeCompare(b.ref));
  const scores = owned.flatMap((n) => byEntity.get(n.ref) ?? []);
  const levels: TeamSummary['levels'] = new Map();
  const failing: TeamSummary['failing'] = new Map();
  for (const score of scores) {
    const bucket = levels.get(score.scorecard) ?? { now: new Map(), before: new Map(), total: 0 };
    bucket.total++;
    bucket.now.set(score.level ?? '', (bucket.now.get(score.level ?? '') ?? 0) + 1);
    if (score.previousLevel !== undefined) bucket.before.set(score.previousLevel ?? '', (bucket.before.get(score.previousLevel ?? '') ?? 0) + 1);
    levels.set(score.scorecard, bucket);
    const checks = failing.get(score.scorecard) ?? new Map();
    for (const check of score.checks) {
      const count = checks.get(check.id) ?? { now: 0, before: undefined, total: 0 };
      count.total++;
      if (check.result === 'fail') count.now++;
      if (score.previousFailing) count.before = (count.before ?? 0) + (score.previousFailing.includes(check.id) ? 1 : 0);
      checks.set(check.id, count);
    }
    failing.set(score.scorecard, checks);
  }
  const documentable = owned.filter((n) => ['Component', 'API'].includes(n.entity.kind));
  const sites = await getDocsSites();
  const changed = await getDocsLastChanged();
  const documented = documentable.filter((n) => sites.has(n.ref));
  const before = staleBefore(new Date());
  const stale = documented.flatMap((n) => {
    const lastModified = changed.get(n.ref);
    return lastModified && lastModified < before ? [{ ref: n.ref, lastModified }] : [];
  });
  return { team, owned, levels, failing, docs: { documentable: documentable.length, documented: documented.length, stale } };
}

/** Problems found in the repositories a team's entities come from. */
export async function problemsOf(owned: readonly CatalogNode[]) {
  const repositories = new Set(owned.map((n) => n.source.repository));
  return (await getProblems()).filter((p) => repositories.has(p.repository));
}

/** Every group that owns something scored, as `group:namespace/name`, sorted. */
export async function scoredTeams(): Promise<string[]> {
  const { nodes, byRef } = await getCatalog();
  const { byEntity } = await getScores();
  const teams = new Set<string>();
  for (const node of nodes) {
    if (!byEntity.has(node.ref)) continue;
    const owner = node.entity.relations.find((r) => r.type === 'ownedBy')?.targetRef;
    if (owner && parseEntityRef(owner).kind === 'group') teams.add(owner);
  }
  return [...teams].sort((a, b) => (byRef.get(a)?.entity.metadata.name ?? a).localeCompare(byRef.get(b)?.entity.metadata.name ?? b));
}

/**
 * What a team summary shows, for a page's cache key: the owned entities by ref, name, kind
 * and type (not their whole data, which for a parent team is most of the catalog), and the counts.
 */
export function teamSummaryKey(summary: TeamSummary) {
  const owned = summary.owned.map((n) => [n.ref, displayName(n.entity), n.entity.kind, n.entity.spec?.['type'] ?? '']);
  return { owned, levels: summary.levels, failing: summary.failing, docs: summary.docs };
}
