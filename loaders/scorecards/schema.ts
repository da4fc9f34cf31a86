import { z } from 'zod';
import { FACT_NAMES } from './facts.ts';

/**
 * Scorecards as config: the shapes of `scorecards:` in playbill.config.yaml (or the file it
 * names), and of the results the build writes. Checks take the shape of Backstage Tech
 * Insights' json-rules-engine checks, so an existing check pastes in unchanged.
 */

/**
 * Docs not changed in this many days are stale: the team overview lists them with their
 * date (src/lib/scorecards.ts), so a docs-only rebuild that moves such a date gives up.
 */
export const STALE_DOCS_DAYS = 180;

/** The date before which an entity's docs are stale at `now` (ISO), `marginDays` sooner. */
export function staleBefore(now: Date, marginDays = 0): string {
  return new Date(now.getTime() - (STALE_DOCS_DAYS - marginDays) * 24 * 60 * 60 * 1000).toISOString();
}

/** When each entity's docs last changed, as the team overview takes it: its newest dated page. */
export function newestDocsDates(pages: Iterable<{ entityRef: string; lastModified?: string | undefined }>): Map<string, string> {
  const newest = new Map<string, string>();
  for (const { entityRef, lastModified } of pages) if (lastModified && lastModified > (newest.get(entityRef) ?? '')) newest.set(entityRef, lastModified);
  return newest;
}

/** json-rules-engine's built-in operators. */
export const operatorSchema = z.enum(['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'contains', 'doesNotContain']);
export type Operator = z.infer<typeof operatorSchema>;

/** One comparison of a fact with a value. */
export const factConditionSchema = z.strictObject({
  /** A fact's name; see the README for the list. */
  fact: z.string(),
  /** One of json-rules-engine's operators; checked with the scorecard, so the error names it. */
  operator: z.string(),
  value: z.unknown(),
  /** A JSONPath into the fact's value, e.g. `$.type` or `$['pagerduty.com/service-id']`. */
  path: z.string().regex(/^\$/, 'must start with $, e.g. $.name').optional(),
  /** Accepted for pasted rules; not used. */
  params: z.unknown().optional(),
  priority: z.number().optional(),
  name: z.string().optional(),
});

/** `all`, `any` or `not` over conditions, nested as deep as needed. */
export type Condition = z.infer<typeof factConditionSchema> | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const allSchema = z.strictObject({ all: z.array(z.lazy(() => conditionSchema)) });
const anySchema = z.strictObject({ any: z.array(z.lazy(() => conditionSchema)) });
const notSchema = z.strictObject({ not: z.lazy(() => conditionSchema) });

/**
 * A condition, told apart by its keys (`all`, `any`, `not`, else `fact`), so that a mistake
 * is reported against the form it was meant to be, not as "invalid input".
 */
export const conditionSchema: z.ZodType<Condition> = z.unknown().transform((value, ctx): Condition => {
  const has = (key: string) => value !== null && typeof value === 'object' && key in value;
  const schema = has('all') ? allSchema : has('any') ? anySchema : has('not') ? notSchema : factConditionSchema;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

/** A level of a scorecard, lowest first. */
export const levelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  title: z.string().min(1),
  /** CSS colour of its badge. */
  colour: z.string().regex(/^#[0-9a-fA-F]{3,8}$/, 'a hex colour such as #cd7f32').optional(),
});
export type Level = z.infer<typeof levelSchema>;

/** The levels a scorecard has when it names none. */
export const DEFAULT_LEVELS: Level[] = [
  { id: 'bronze', title: 'Bronze', colour: '#a0672d' },
  { id: 'silver', title: 'Silver', colour: '#687785' },
  { id: 'gold', title: 'Gold', colour: '#a67c00' },
];

/** Which entities a scorecard applies to; the same shape as a template's `catalogFilter`. Every key given must match. */
export const entityFilterSchema = z.strictObject({
  kind: z.union([z.string(), z.array(z.string())]).optional(),
  type: z.union([z.string(), z.array(z.string())]).optional(),
  lifecycle: z.union([z.string(), z.array(z.string())]).optional(),
  system: z.union([z.string(), z.array(z.string())]).optional(),
  /** The entity has at least one of these tags. */
  tags: z.union([z.string(), z.array(z.string())]).optional(),
});
export type EntityFilter = z.infer<typeof entityFilterSchema>;

/** One check: our keys, or a Tech Insights check pasted as it is (`name`, `rule.conditions`). */
export const checkSchema = z
  .looseObject({
    id: z.string().min(1),
    title: z.string().min(1).optional(),
    /** Tech Insights' title. */
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    /** The level this check belongs to; default the scorecard's lowest. */
    level: z.string().optional(),
    /** What to do when it fails. */
    fix: z.string().optional(),
    conditions: conditionSchema.optional(),
    /** Tech Insights' form: `rule: { conditions }`. */
    rule: z.looseObject({ conditions: conditionSchema }).optional(),
  })
  .refine((c) => c.conditions !== undefined || c.rule !== undefined, 'needs conditions (or rule.conditions, as in Tech Insights)');

/** One scorecard as written in the config. */
export const scorecardSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    title: z.string().min(1),
    description: z.string().optional(),
    filter: entityFilterSchema.default({}),
    levels: z.array(levelSchema).min(1).default(DEFAULT_LEVELS),
    checks: z.array(checkSchema).min(1),
  })
  .superRefine((card, ctx) => {
    const levels = new Set(card.levels.map((l) => l.id));
    card.checks.forEach((check, i) => {
      const where = `scorecard "${card.id}", check "${check.id}"`;
      if (check.level !== undefined && !levels.has(check.level)) {
        ctx.addIssue({ code: 'custom', path: ['checks', i, 'level'], message: `${where}: level "${check.level}" is not one of this scorecard's levels (${[...levels].join(', ')})` });
      }
      for (const { fact, operator } of comparisonsOf(check.conditions ?? check.rule?.conditions)) {
        if (!FACT_NAMES.has(fact)) ctx.addIssue({ code: 'custom', path: ['checks', i], message: `${where}: unknown fact "${fact}"; known facts: ${[...FACT_NAMES].sort().join(', ')}` });
        if (!operatorSchema.safeParse(operator).success) ctx.addIssue({ code: 'custom', path: ['checks', i], message: `${where}: unknown operator "${operator}"; use one of ${operatorSchema.options.join(', ')}` });
      }
    });
  });
export type ScorecardInput = z.infer<typeof scorecardSchema>;

/** Every comparison in a condition. */
export function comparisonsOf(condition: Condition | undefined): { fact: string; operator: string }[] {
  if (condition === undefined) return [];
  if ('all' in condition) return condition.all.flatMap(comparisonsOf);
  if ('any' in condition) return condition.any.flatMap(comparisonsOf);
  if ('not' in condition) return comparisonsOf(condition.not);
  return [{ fact: condition.fact, operator: condition.operator }];
}

/** A check ready to evaluate: title, level and conditions resolved. */
export interface Check {
  id: string;
  title: string;
  level: string;
  fix?: string;
  conditions: Condition;
}

/** A scorecard ready to evaluate. */
export interface Scorecard {
  id: string;
  title: string;
  description?: string;
  filter: EntityFilter;
  levels: Level[];
  checks: Check[];
}

/** Resolves what a written scorecard leaves implicit. */
export function resolveScorecard(input: ScorecardInput): Scorecard {
  const lowest = input.levels[0]?.id ?? 'bronze';
  return {
    id: input.id,
    title: input.title,
    ...(input.description ? { description: input.description } : {}),
    filter: input.filter,
    levels: input.levels,
    checks: input.checks.map((c) => ({
      id: c.id,
      title: c.title ?? c.name ?? c.id,
      level: c.level ?? lowest,
      ...(c.fix ?? c.description ? { fix: c.fix ?? c.description } : {}),
      conditions: c.conditions ?? c.rule?.conditions ?? { all: [] },
    })),
  };
}

/** pass, fail, or unknown when a fact it needs could not be provided. */
export const resultSchema = z.enum(['pass', 'fail', 'unknown']);
export type CheckResult = z.infer<typeof resultSchema>;

/** One entity's result on one scorecard, as `/api/scorecards.json` lists it (plus what pages show). */
export const entityScoreSchema = z.object({
  entityRef: z.string(),
  scorecard: z.string(),
  /** The highest level reached, or null. */
  level: z.string().nullable(),
  /** The level reached in the previous build, when it had this entity and scorecard. */
  previousLevel: z.string().nullable().optional(),
  /** The checks it failed in the previous build, when it was there. */
  previousFailing: z.array(z.string()).optional(),
  checks: z.array(z.object({ id: z.string(), level: z.string(), result: resultSchema })),
});
export type EntityScore = z.infer<typeof entityScoreSchema>;
