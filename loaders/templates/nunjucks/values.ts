/**
 * The values a template can touch, and the only ways it can touch them. Nunjucks itself looks
 * properties up with `obj[key]` and calls whatever function it finds, which is how
 * `"".constructor.constructor("code")()` escapes its sandbox. Here a lookup sees only a plain
 * object's own data, an array's items, a string's characters and a short list of pure string and
 * array methods; every callable is a `SafeFunction` written in this project. Nothing a template
 * says can reach a JavaScript function, a prototype or a global.
 */

/** A rendering problem: an undefined call, a runaway loop, output over the limit. */
export class TemplateRenderError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `${message} (line ${line})`);
    this.line = line;
  }
}

/** Limits that stop a runaway template with an error instead of hanging or filling memory. */
export interface RenderLimits {
  /** Longest string any one render may produce or build, in characters. */
  maxChars: number;
  /** Evaluation steps per render (loop iterations, expressions, output nodes). */
  maxSteps: number;
  /** Deepest macro recursion. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: RenderLimits = { maxChars: 8 * 1024 * 1024, maxSteps: 2_000_000, maxDepth: 64 };

/** A function a template may call: written here, given only template values. */
export class SafeFunction {
  readonly name: string;
  readonly invoke: (args: unknown[], kwargs: Record<string, unknown>) => unknown;
  /** Properties a template may read from it (a cycler's `current`, say). */
  readonly members: Record<string, unknown>;
  constructor(name: string, invoke: (args: unknown[], kwargs: Record<string, unknown>) => unknown, members: Record<string, unknown> = {}) {
    this.name = name;
    this.invoke = invoke;
    this.members = members;
  }
}

/** True for `{...}` data: parsed JSON or a dict literal, never a class instance or function. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `String(value)` as JavaScript would write it, for the values a template can hold. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => (item === null || item === undefined ? '' : toText(item))).join(',');
  if (value instanceof RegExp) return String(value);
  // Nunjucks would print a function's source; there is no source to show, so nothing.
  if (value instanceof SafeFunction) return '';
  return '[object Object]';
}

/** What `${{ value }}` writes: nothing for null and undefined, the text of anything else. */
export function toOutput(value: unknown): string {
  return value === null || value === undefined ? '' : toText(value);
}

/** Objects become their text, as JavaScript's operators would do with them. */
export function toPrimitive(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? toText(value) : value;
}

/** JavaScript's `a < b` for template values. */
export function lessThan(a: unknown, b: unknown): boolean {
  const x = toPrimitive(a);
  const y = toPrimitive(b);
  if (typeof x === 'string' && typeof y === 'string') return x < y;
  return Number(x) < Number(y);
}

/** JavaScript's `a == b` for template values (objects compare by identity with objects). */
export function looseEquals(a: unknown, b: unknown): boolean {
  const aObject = typeof a === 'object' && a !== null;
  const bObject = typeof b === 'object' && b !== null;
  if (aObject && bObject) return a === b;
  if (aObject || bObject) return looseEquals(toPrimitive(a), toPrimitive(b));
  if (a === null || a === undefined || b === null || b === undefined) return (a === null || a === undefined) && (b === null || b === undefined);
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return Number(a) === Number(b);
}

/** Methods of strings that only read their string and return new data. */
const STRING_METHODS = new Set([
  'at', 'charAt', 'charCodeAt', 'codePointAt', 'concat', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'localeCompare',
  'match', 'normalize', 'padEnd', 'padStart', 'replace', 'replaceAll', 'search', 'slice', 'split', 'startsWith', 'substr',
  'substring', 'toLocaleLowerCase', 'toLocaleUpperCase', 'toLowerCase', 'toString', 'toUpperCase', 'trim', 'trimEnd',
  'trimStart', 'trimLeft', 'trimRight', 'valueOf',
]);

/** Methods of arrays that read them (and `push`, bounded), never taking a callback. */
const ARRAY_METHODS = new Set(['at', 'concat', 'includes', 'indexOf', 'join', 'lastIndexOf', 'slice', 'toString', 'push', 'reverse']);

/**
 * `target[key]` as a template sees it. Own data only; undefined for anything else, so
 * `constructor`, `__proto__` and `prototype` are simply not there.
 */
export function lookupMember(target: unknown, key: unknown, limits: RenderLimits): unknown {
  if (target === null || target === undefined) return undefined;
  const name = typeof key === 'number' ? String(key) : key;
  if (typeof name !== 'string') return undefined;
  if (typeof target === 'string') {
    if (/^\d+$/.test(name)) return target[Number(name)];
    if (name === 'length') return target.length;
    if (STRING_METHODS.has(name)) return stringMethod(target, name, limits);
    return undefined;
  }
  if (Array.isArray(target)) {
    if (/^\d+$/.test(name)) return target[Number(name)];
    if (name === 'length') return target.length;
    const pythonic = Object.hasOwn(ARRAY_MEMBERS, name) ? ARRAY_MEMBERS[name] : undefined;
    if (pythonic !== undefined) return new SafeFunction(name, (args) => pythonic(target, args, limits));
    if (ARRAY_METHODS.has(name)) return arrayMethod(target, name, limits);
    return undefined;
  }
  if (target instanceof SafeFunction) return Object.hasOwn(target.members, name) ? target.members[name] : undefined;
  if (isPlainObject(target)) {
    if (Object.hasOwn(target, name)) return target[name];
    const pythonic = Object.hasOwn(OBJECT_MEMBERS, name) ? OBJECT_MEMBERS[name] : undefined;
    if (pythonic !== undefined) return new SafeFunction(name, (args) => pythonic(target, args));
    return undefined;
  }
  return undefined;
}

function stringMethod(target: string, name: string, limits: RenderLimits): SafeFunction {
  return new SafeFunction(name, (args) => {
    const plain = args.map((arg) => (arg instanceof RegExp || typeof arg !== 'object' || arg === null ? arg : toText(arg)));
    if ((name === 'padStart' || name === 'padEnd') && Number(plain[0]) > limits.maxChars) throw new TemplateRenderError(`${name}(${String(plain[0])}) would build a string over the ${limits.maxChars}-character limit`);
    // The receiver is a string primitive and every argument is data, so this is the plain
    // built-in string method (no callback can be passed: templates have no JavaScript functions).
    const method: unknown = Reflect.get(String.prototype, name);
    if (typeof method !== 'function') return undefined;
    const result: unknown = Reflect.apply(method, target, plain);
    return checkSize(result, limits);
  });
}

function arrayMethod(target: unknown[], name: string, limits: RenderLimits): SafeFunction {
  return new SafeFunction(name, (args) => {
    switch (name) {
      case 'at':
        return target.at(Number(args[0]));
      case 'concat':
        return checkSize(target.concat(...args), limits);
      case 'includes':
        return target.includes(args[0]);
      case 'indexOf':
        return target.indexOf(args[0]);
      case 'lastIndexOf':
        return target.lastIndexOf(args[0]);
      case 'join':
        return checkSize(target.map((item) => (item === null || item === undefined ? '' : toText(item))).join(args[0] === undefined ? ',' : toText(args[0])), limits);
      case 'slice':
        return target.slice(args[0] === undefined ? undefined : Number(args[0]), args[1] === undefined ? undefined : Number(args[1]));
      case 'toString':
        return toText(target);
      case 'push':
        target.push(...args);
        return checkSize(target, limits).length;
      case 'reverse':
        return target.reverse();
      default:
        return undefined;
    }
  });
}

/** Throws when a value is a string or array bigger than the limit allows. */
export function checkSize<T>(value: T, limits: RenderLimits): T {
  if ((typeof value === 'string' || Array.isArray(value)) && value.length > limits.maxChars) {
    throw new TemplateRenderError(`the template built a value of ${value.length} characters or items, over the limit of ${limits.maxChars}; it looks like a runaway loop`);
  }
  return value;
}

// Nunjucks' Jinja compatibility adds Python's list and dict methods.

const ARRAY_MEMBERS: Record<string, (target: unknown[], args: unknown[], limits: RenderLimits) => unknown> = {
  pop: (target, [index]) => (index === undefined ? target.pop() : target.splice(Number(index), 1)[0]),
  append: (target, [element], limits) => {
    target.push(element);
    checkSize(target, limits);
    return undefined;
  },
  remove: (target, [element]) => {
    const at = target.indexOf(element);
    if (at === -1) throw new TemplateRenderError('list.remove(x): x not in list');
    target.splice(at, 1);
    return undefined;
  },
  count: (target, [element]) => target.filter((item) => item === element).length,
  index: (target, [element]) => {
    const at = target.indexOf(element);
    if (at === -1) throw new TemplateRenderError('list.index(x): x not in list');
    return at;
  },
  find: (target, [element]) => target.indexOf(element),
  insert: (target, [index, element]) => {
    target.splice(Number(index), 0, element);
    return undefined;
  },
};

const OBJECT_MEMBERS: Record<string, (target: Record<string, unknown>, args: unknown[]) => unknown> = {
  items: (target) => Object.entries(target),
  iteritems: (target) => Object.entries(target),
  values: (target) => Object.values(target),
  itervalues: (target) => Object.values(target),
  keys: (target) => Object.keys(target),
  iterkeys: (target) => Object.keys(target),
  get: (target, [key, fallback]) => {
    const value = typeof key === 'string' && Object.hasOwn(target, key) ? target[key] : undefined;
    return value === undefined ? fallback : value;
  },
  has_key: (target, [key]) => typeof key === 'string' && Object.hasOwn(target, key),
};
