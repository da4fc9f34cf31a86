import type { CatalogNode } from '../catalog/graph.ts';
import { parseEntityRef } from '../catalog/refs.ts';
import { factsFor, type FactContext } from './facts.ts';
import { evaluateCondition } from './rules.ts';
import type { CheckResult, EntityFilter, EntityScore, Scorecard } from './schema.ts';

/** What the next build remembers of one result. */
export interface PreviousScore {
  level: string | null;
  failing: string[];
}

const list = (v: string | string[] | undefined) => (v === undefined ? undefined : [v].flat().map((s) => s.toLowerCase()));

/** Whether a scorecard's filter takes an entity: every key given must match (case-insensitive). */
export function matchesFilter(node: CatalogNode, filter: EntityFilter): boolean {
  const { entity } = node;
  const spec = entity.spec ?? {};
  const kinds = list(filter.kind);
  if (kinds && !kinds.includes(entity.kind.toLowerCase())) return false;
  const types = list(filter.type);
  if (types && !types.includes(String(spec['type'] ?? '').toLowerCase())) return false;
  const lifecycles = list(filter.lifecycle);
  if (lifecycles && !lifecycles.includes(String(spec['lifecycle'] ?? '').toLowerCase())) return false;
  const systems = list(filter.system);
  if (systems) {
    const system = entity.relations.find((r) => r.type === 'partOf' && parseEntityRef(r.targetRef).kind === 'system')?.targetRef;
    if (!system || !systems.some((s) => s === system || s === parseEntityRef(system).name)) return false;
  }
  const tags = list(filter.tags);
  if (tags && !(Array.isArray(entity.metadata['tags']) ? entity.metadata['tags'] : []).some((t) => typeof t === 'string' && tags.includes(t.toLowerCase()))) return false;
  return true;
}

/**
 * The highest level reached: every check at that level and below passes, unknown checks
 * aside (never a failure), and at least one check at each level passes (a level whose checks
 * are all unknown is not reached on nothing).
 */
export function levelReached(card: Scorecard, results: ReadonlyMap<string, CheckResult>): string | null {
  let reached: string | null = null;
  for (const level of card.levels) {
    const here = card.checks.filter((c) => c.level === level.id).map((c) => results.get(c.id));
    if (here.includes('fail')) break;
    if (here.length > 0 && !here.includes('pass')) break;
    reached = level.id;
  }
  return reached;
}

/** Options of {@link evaluateScorecards}. */
export interface EvaluateOptions {
  /** The fact context of one entity (docs, repository files, plugin facts). */
  contextFor: (node: CatalogNode) => FactContext;
  /** Last build's results, by `scorecard entityRef`, for the change since then. */
  previous?: ReadonlyMap<string, PreviousScore>;
}

/** Every entity's result on every scorecard that applies to it. Pure. */
export function evaluateScorecards(nodes: readonly CatalogNode[], cards: readonly Scorecard[], options: EvaluateOptions): EntityScore[] {
  const scores: EntityScore[] = [];
  for (const node of nodes) {
    const applicable = cards.filter((card) => matchesFilter(node, card.filter));
    if (applicable.length === 0) continue;
    const facts = factsFor(node, options.contextFor(node));
    for (const card of applicable) {
      const results = new Map(card.checks.map((c) => [c.id, evaluateCondition(c.conditions, facts)]));
      const key = `${card.id} ${node.ref}`;
      const score: EntityScore = {
        entityRef: node.ref,
        scorecard: card.id,
        level: levelReached(card, results),
        checks: card.checks.map((c) => ({ id: c.id, level: c.level, result: results.get(c.id) ?? 'unknown' })),
      };
      const before = options.previous?.get(key);
      if (before) {
        score.previousLevel = before.level;
        score.previousFailing = before.failing;
      }
      scores.push(score);
    }
  }
  return scores;
}
