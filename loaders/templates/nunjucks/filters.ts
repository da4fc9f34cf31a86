import { checkSize, isPlainObject, lessThan, looseEquals, lookupMember, SafeFunction, TemplateRenderError, toPrimitive, toText, type RenderLimits } from './values.ts';

/**
 * Nunjucks 3.2.4's built-in filters and tests, rewritten over template values (same results,
 * same quirks, e.g. `title` splits on single spaces), with the size guard on anything that can
 * grow. Each takes the filtered value first, then the filter's arguments.
 */

export type Filter = (args: unknown[], limits: RenderLimits) => unknown;

/** Positional names, so `truncate(length=10)` works as well as `truncate(10)`. */
export interface FilterDefinition {
  params: readonly string[];
  run: Filter;
}

function normalize<T>(value: unknown, fallback: T): unknown {
  return value === null || value === undefined || value === false ? fallback : value;
}

function text(value: unknown, filter: string): string {
  const normalized = normalize(value, '');
  if (typeof normalized === 'string') return normalized;
  throw new TemplateRenderError(`the ${filter} filter needs text, got ${describe(normalized)}`);
}

function list(value: unknown, filter: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  throw new TemplateRenderError(`the ${filter} filter needs a list, got ${describe(value)}`);
}

/** A short name for a value's type, for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'none';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof SafeFunction) return 'a function';
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '\\': '&#92;' };
const escapeHtml = (value: string) => value.replace(/[&"'<>\\]/g, (ch) => HTML_ESCAPES[ch] ?? ch);

function capitalize(value: unknown): string {
  const lower = text(value, 'capitalize').toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

function attrGetter(attribute: unknown): (item: unknown) => unknown {
  const parts = typeof attribute === 'string' ? attribute.split('.') : [attribute];
  return (item) => {
    let current = item;
    for (const part of parts) {
      if (isPlainObject(current) && typeof part === 'string' && Object.hasOwn(current, part)) current = current[part];
      else if (Array.isArray(current) && (typeof part === 'number' || (typeof part === 'string' && /^\d+$/.test(part)))) current = current[Number(part)];
      else return undefined;
    }
    return current;
  };
}

/** -1, 0 or 1 as JavaScript's < and > order two values. */
function compareLoose(a: unknown, b: unknown): number {
  if (lessThan(a, b)) return -1;
  if (lessThan(b, a)) return 1;
  return 0;
}

function repeatSpaces(count: number, limits: RenderLimits): string {
  if (count > limits.maxChars) throw new TemplateRenderError(`a width of ${count} is over the ${limits.maxChars}-character limit`);
  return count > 0 ? ' '.repeat(Math.floor(count)) : '';
}

const defaultFilter: FilterDefinition = {
  params: ['value', 'default', 'boolean'],
  run: ([value, fallback, boolean]) => (boolean ? value || fallback : value !== undefined ? value : fallback),
};

export const FILTERS: Record<string, FilterDefinition> = {
  abs: { params: ['value'], run: ([value]) => Math.abs(Number(value)) },
  batch: {
    params: ['value', 'linecount', 'fill_with'],
    run: ([value, linecount, fillWith], limits) => {
      const items = list(value, 'batch');
      const size = Number(linecount);
      if (!(size >= 1)) throw new TemplateRenderError('the batch filter needs a size of at least 1');
      const result: unknown[][] = [];
      for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
      const lastBatch = result.at(-1);
      if (fillWith && lastBatch !== undefined) while (lastBatch.length < size) checkSize(lastBatch, limits).push(fillWith);
      return result;
    },
  },
  capitalize: { params: ['value'], run: ([value]) => capitalize(value) },
  center: {
    params: ['value', 'width'],
    run: ([value, width], limits) => {
      const str = text(value, 'center');
      const total = Number(width) || 80;
      if (str.length >= total) return str;
      const spaces = total - str.length;
      return repeatSpaces(spaces / 2 - (spaces % 2), limits) + str + repeatSpaces(spaces / 2, limits);
    },
  },
  default: defaultFilter,
  d: defaultFilter,
  dictsort: {
    params: ['value', 'case_sensitive', 'by'],
    run: ([value, caseSensitive, by]) => {
      if (!isPlainObject(value)) throw new TemplateRenderError('dictsort filter: val must be an object');
      if (by !== undefined && by !== 'key' && by !== 'value') throw new TemplateRenderError('dictsort filter: You can only sort by either key or value');
      const index = by === 'value' ? 1 : 0;
      const pairs: [string, unknown][] = Object.entries(value);
      const key = (pair: [string, unknown]) => {
        const item = pair[index];
        return !caseSensitive && typeof item === 'string' ? item.toUpperCase() : item;
      };
      return pairs.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return (x as string) > (y as string) ? 1 : x === y ? 0 : -1;
      });
    },
  },
  dump: {
    params: ['value', 'spaces'],
    run: ([value, spaces], limits) => checkSize(JSON.stringify(value, (_key, item: unknown) => (item instanceof SafeFunction ? undefined : item), typeof spaces === 'number' || typeof spaces === 'string' ? spaces : undefined), limits),
  },
  escape: { params: ['value'], run: ([value]) => escapeHtml(value === null || value === undefined ? '' : toText(value)) },
  e: { params: ['value'], run: ([value]) => escapeHtml(value === null || value === undefined ? '' : toText(value)) },
  forceescape: { params: ['value'], run: ([value]) => escapeHtml(value === null || value === undefined ? '' : toText(value)) },
  safe: { params: ['value'], run: ([value]) => (value === null || value === undefined ? '' : toText(value)) },
  first: { params: ['value'], run: ([value], limits) => lookupMember(value, 0, limits) },
  last: { params: ['value'], run: ([value], limits) => lookupMember(value, typeof value === 'string' || Array.isArray(value) ? value.length - 1 : -1, limits) },
  float: {
    params: ['value', 'default'],
    run: ([value, fallback]) => {
      const result = Number.parseFloat(toText(value));
      return Number.isNaN(result) ? fallback : result;
    },
  },
  int: {
    params: ['value', 'default', 'base'],
    run: ([value, fallback, base]) => {
      const result = Number.parseInt(toText(value), base === undefined ? 10 : Number(base));
      return Number.isNaN(result) ? fallback : result;
    },
  },
  groupby: {
    params: ['value', 'attribute'],
    run: ([value, attribute]) => {
      const get = attrGetter(attribute);
      const groups: Record<string, unknown[]> = {};
      for (const item of list(value, 'groupby')) {
        const key = toText(get(item));
        (groups[key] ??= []).push(item);
      }
      return groups;
    },
  },
  indent: {
    params: ['value', 'width', 'indentfirst'],
    run: ([value, width, indentFirst], limits) => {
      const str = text(value, 'indent');
      if (str === '') return '';
      const pad = repeatSpaces(Number(width) || 4, limits);
      return checkSize(str.split('\n').map((line, i) => (i === 0 && !indentFirst ? line : `${pad}${line}`)).join('\n'), limits);
    },
  },
  join: {
    params: ['value', 'delimiter', 'attribute'],
    run: ([value, delimiter, attribute], limits) => {
      let items = list(value, 'join');
      if (attribute) items = items.map((item) => lookupMember(item, attribute, limits));
      const separator = delimiter ? toText(delimiter) : '';
      return checkSize(items.map((item) => (item === null || item === undefined ? '' : toText(item))).join(separator), limits);
    },
  },
  length: {
    params: ['value'],
    run: ([value]) => {
      const normalized = normalize(value, '');
      if (isPlainObject(normalized)) return Object.keys(normalized).length;
      if (typeof normalized === 'string' || Array.isArray(normalized)) return normalized.length;
      return undefined;
    },
  },
  list: {
    params: ['value'],
    run: ([value]) => {
      if (typeof value === 'string') return value.split('');
      if (isPlainObject(value)) return Object.entries(value).map(([key, item]) => ({ key, value: item }));
      if (Array.isArray(value)) return value;
      throw new TemplateRenderError('list filter: type not iterable');
    },
  },
  lower: { params: ['value'], run: ([value]) => text(value, 'lower').toLowerCase() },
  upper: { params: ['value'], run: ([value]) => text(value, 'upper').toUpperCase() },
  nl2br: { params: ['value'], run: ([value]) => (value === null || value === undefined ? '' : toText(value).replace(/\r\n|\n/g, '<br />\n')) },
  random: {
    params: ['value'],
    run: ([value]) => {
      const items = list(value, 'random');
      return items[Math.floor(Math.random() * items.length)];
    },
  },
  reject: { params: ['value', 'test', 'argument'], run: ([value, test, argument]) => selectOrReject(value, test, argument, false) },
  select: { params: ['value', 'test', 'argument'], run: ([value, test, argument]) => selectOrReject(value, test, argument, true) },
  rejectattr: { params: ['value', 'attribute'], run: ([value, attribute]) => list(value, 'rejectattr').filter((item) => !attrGetter(attribute)(item)) },
  selectattr: { params: ['value', 'attribute'], run: ([value, attribute]) => list(value, 'selectattr').filter((item) => Boolean(attrGetter(attribute)(item))) },
  replace: {
    params: ['value', 'old', 'new', 'count'],
    run: ([value, old, replacement, count], limits) => {
      if (old instanceof RegExp) return checkSize(toText(value).replace(old, toText(replacement)), limits);
      const max = count === undefined ? -1 : Number(count);
      const search = typeof old === 'number' ? String(old) : old;
      if (typeof search !== 'string') return value;
      const str = typeof value === 'number' ? String(value) : value;
      if (typeof str !== 'string') return str;
      const by = toText(replacement);
      if (search === '') return checkSize(by + str.split('').join(by) + by, limits);
      let next = str.indexOf(search);
      if (max === 0 || next === -1) return str;
      let result = '';
      let pos = 0;
      let done = 0;
      while (next > -1 && (max === -1 || done < max)) {
        result += str.substring(pos, next) + by;
        checkSize(result, limits);
        pos = next + search.length;
        done += 1;
        next = str.indexOf(search, pos);
      }
      if (pos < str.length) result += str.substring(pos);
      return result;
    },
  },
  reverse: {
    params: ['value'],
    run: ([value]) => {
      if (typeof value === 'string') return [...value.split('')].reverse().join('');
      return [...list(value, 'reverse')].reverse();
    },
  },
  round: {
    params: ['value', 'precision', 'method'],
    run: ([value, precision, method]) => {
      const factor = 10 ** (Number(precision) || 0);
      const rounder = method === 'ceil' ? Math.ceil : method === 'floor' ? Math.floor : Math.round;
      return rounder(Number(value) * factor) / factor;
    },
  },
  slice: {
    params: ['value', 'slices', 'fill_with'],
    run: ([value, slices, fillWith]) => {
      const items = list(value, 'slice');
      const count = Number(slices);
      if (!(count >= 1) || count > 100_000) throw new TemplateRenderError('the slice filter needs between 1 and 100000 slices');
      const size = Math.floor(items.length / count);
      const extra = items.length % count;
      const result: unknown[][] = [];
      let offset = 0;
      for (let i = 0; i < count; i += 1) {
        const start = offset + i * size;
        if (i < extra) offset += 1;
        const part = items.slice(start, offset + (i + 1) * size);
        if (fillWith && i >= extra) part.push(fillWith);
        result.push(part);
      }
      return result;
    },
  },
  sort: {
    params: ['value', 'reverse', 'case_sensitive', 'attribute'],
    run: ([value, reversed, caseSensitive, attribute]) => {
      const get = attribute ? attrGetter(attribute) : (item: unknown) => item;
      return [...list(value, 'sort')].sort((a, b) => {
        let x = get(a);
        let y = get(b);
        if (!caseSensitive && typeof x === 'string' && typeof y === 'string') {
          x = x.toLowerCase();
          y = y.toLowerCase();
        }
        const order = compareLoose(x, y);
        return reversed ? -order : order;
      });
    },
  },
  string: { params: ['value'], run: ([value]) => toText(value) },
  striptags: {
    params: ['value', 'preserve_linebreaks'],
    run: ([value, preserve]) => {
      const input = toText(normalize(value, ''));
      const stripped = input.replace(/<\/?([a-z][a-z0-9]*)\b[^>]*>|<!--[\s\S]*?-->/gi, '').replace(/^\s*|\s*$/g, '');
      if (preserve) return stripped.replace(/^ +| +$/gm, '').replace(/ +/g, ' ').replace(/(\r\n)/g, '\n').replace(/\n\n\n+/g, '\n\n');
      return stripped.replace(/\s+/gi, ' ');
    },
  },
  sum: {
    params: ['value', 'attribute', 'start'],
    run: ([value, attribute, start]) => {
      let items = list(value, 'sum');
      if (attribute) items = items.map(attrGetter(attribute));
      // Nunjucks adds with JavaScript's +, so numbers add and text concatenates.
      const total = items.reduce<unknown>((a, b) => add(a, b), 0);
      return add(start ?? 0, total);
    },
  },
  title: { params: ['value'], run: ([value]) => text(value, 'title').split(' ').map(capitalize).join(' ') },
  trim: { params: ['value'], run: ([value]) => toText(value).replace(/^\s*|\s*$/g, '') },
  truncate: {
    params: ['value', 'length', 'killwords', 'end'],
    run: ([value, length, killwords, end]) => {
      let input = toText(normalize(value, ''));
      const max = Number(length) || 255;
      if (input.length <= max) return input;
      if (killwords) input = input.substring(0, max);
      else {
        let at = input.lastIndexOf(' ', max);
        if (at === -1) at = max;
        input = input.substring(0, at);
      }
      return input + (end !== undefined && end !== null ? toText(end) : '...');
    },
  },
  urlencode: {
    params: ['value'],
    run: ([value]) => {
      if (typeof value === 'string') return encodeURIComponent(value);
      const pairs = Array.isArray(value) ? value : isPlainObject(value) ? Object.entries(value) : [];
      return pairs.map((pair) => `${encodeURIComponent(toText(lookupMember(pair, 0, NO_LIMITS)))}=${encodeURIComponent(toText(lookupMember(pair, 1, NO_LIMITS)))}`).join('&');
    },
  },
  wordcount: {
    params: ['value'],
    run: ([value]) => {
      const str = toText(normalize(value, ''));
      const words = str ? str.match(/\w+/g) : null;
      return words ? words.length : null;
    },
  },
};

const NO_LIMITS = { maxChars: Number.MAX_SAFE_INTEGER, maxSteps: Number.MAX_SAFE_INTEGER, maxDepth: 64 };

/** `a + b` with JavaScript's meaning, for the values a template can hold. */
export function add(a: unknown, b: unknown): unknown {
  const x = typeof a === 'object' && a !== null ? toText(a) : a;
  const y = typeof b === 'object' && b !== null ? toText(b) : b;
  if (typeof x === 'string' || typeof y === 'string') return `${toText(x)}${toText(y)}`;
  return Number(x) + Number(y);
}

function selectOrReject(value: unknown, testName: unknown, argument: unknown, expected: boolean): unknown[] {
  const name = testName === undefined ? 'truthy' : toText(testName);
  const test = TESTS[name];
  if (test === undefined) throw new TemplateRenderError(`test not found: ${name}`);
  return list(value, expected ? 'select' : 'reject').filter((item) => test(item, argument) === expected);
}

/** Nunjucks' tests, for `x is defined`, `select("odd")` and the like. */
export const TESTS: Record<string, (value: unknown, other?: unknown) => boolean> = {
  callable: (value) => value instanceof SafeFunction,
  defined: (value) => value !== undefined,
  divisibleby: (value, other) => Number(value) % Number(other) === 0,
  escaped: () => false,
  equalto: (value, other) => value === other,
  eq: (value, other) => value === other,
  sameas: (value, other) => value === other,
  even: (value) => Number(value) % 2 === 0,
  falsy: (value) => !value,
  ge: (value, other) => !lessThan(value, other) && !Number.isNaN(Number(toPrimitive(value)) - Number(toPrimitive(other))),
  greaterthan: (value, other) => lessThan(other, value),
  gt: (value, other) => lessThan(other, value),
  le: (value, other) => lessThan(value, other) || looseEquals(value, other),
  lessthan: (value, other) => lessThan(value, other),
  lt: (value, other) => lessThan(value, other),
  lower: (value) => typeof value === 'string' && value.toLowerCase() === value,
  ne: (value, other) => value !== other,
  null: (value) => value === null,
  number: (value) => typeof value === 'number',
  odd: (value) => Number(value) % 2 === 1,
  string: (value) => typeof value === 'string',
  truthy: (value) => Boolean(value),
  undefined: (value) => value === undefined,
  upper: (value) => typeof value === 'string' && value.toUpperCase() === value,
  iterable: (value) => typeof value === 'string' || Array.isArray(value),
  mapping: (value) => isPlainObject(value),
};
