import { operatorSchema, type CheckResult, type Condition, type Operator } from './schema.ts';

/**
 * json-rules-engine's conditions, evaluated in three values: a condition on a fact nobody
 * provided is unknown; `all` fails if any part fails, `any` passes if any part passes, and
 * otherwise an unknown part makes the whole unknown. Pure.
 */

/** Reads a JSONPath subset: `$`, `.name`, `['any key']`, `[0]`. Undefined where the path leads nowhere. */
export function readPath(value: unknown, path: string): unknown {
  const steps = path.slice(1).match(/\.[^.[\]]+|\[\s*'(?:[^'\\]|\\.)*'\s*\]|\[\s*"(?:[^"\\]|\\.)*"\s*\]|\[\s*\d+\s*\]/g) ?? [];
  let current = value;
  for (const step of steps) {
    const key = step.startsWith('.') ? step.slice(1) : step.slice(1, -1).trim().replace(/^['"]|['"]$/g, '');
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) && /^\d+$/.test(key) ? current[Number(key)] : Object.hasOwn(current, key) ? Reflect.get(current, key) : undefined;
  }
  return current;
}

const number = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One operator, as json-rules-engine defines it: numbers compare only with numbers, `in`/`contains` need arrays. */
export function compare(operator: Operator, fact: unknown, value: unknown): boolean {
  switch (operator) {
    case 'equal':
      return fact === value;
    case 'notEqual':
      return fact !== value;
    case 'lessThan':
      return number(fact) && number(value) && fact < value;
    case 'lessThanInclusive':
      return number(fact) && number(value) && fact <= value;
    case 'greaterThan':
      return number(fact) && number(value) && fact > value;
    case 'greaterThanInclusive':
      return number(fact) && number(value) && fact >= value;
    case 'in':
      return Array.isArray(value) && value.includes(fact);
    case 'notIn':
      return Array.isArray(value) && !value.includes(fact);
    case 'contains':
      return Array.isArray(fact) && fact.includes(value);
    case 'doesNotContain':
      return Array.isArray(fact) && !fact.includes(value);
  }
}

/** Evaluates a condition against an entity's facts; absent facts are unknown. */
export function evaluateCondition(condition: Condition, facts: Readonly<Record<string, unknown>>): CheckResult {
  if ('all' in condition) {
    const results = condition.all.map((c) => evaluateCondition(c, facts));
    return results.includes('fail') ? 'fail' : results.includes('unknown') ? 'unknown' : 'pass';
  }
  if ('any' in condition) {
    const results = condition.any.map((c) => evaluateCondition(c, facts));
    return results.includes('pass') ? 'pass' : results.includes('unknown') ? 'unknown' : 'fail';
  }
  if ('not' in condition) {
    const result = evaluateCondition(condition.not, facts);
    return result === 'pass' ? 'fail' : result === 'fail' ? 'pass' : 'unknown';
  }
  if (!Object.hasOwn(facts, condition.fact) || facts[condition.fact] === undefined) return 'unknown';
  const operator = operatorSchema.safeParse(condition.operator);
  // The config is validated before any rule runs; an unknown operator cannot reach here.
  if (!operator.success) return 'unknown';
  const value = condition.path === undefined ? facts[condition.fact] : readPath(facts[condition.fact], condition.path);
  return compare(operator.data, value, condition.value) ? 'pass' : 'fail';
}
