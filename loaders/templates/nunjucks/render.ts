import { BACKSTAGE_TAGS, JINJA_TAGS } from './lexer.ts';
import { parseTemplate, type Expr, type ParsedTemplate, type TemplateNode } from './parser.ts';
import { add, FILTERS, TESTS } from './filters.ts';
import {
  checkSize,
  DEFAULT_LIMITS,
  isPlainObject,
  lessThan,
  looseEquals,
  lookupMember,
  SafeFunction,
  TemplateRenderError,
  toOutput,
  toPrimitive,
  toText,
  type RenderLimits,
} from './values.ts';

/**
 * A Nunjucks interpreter with Backstage's scaffolder settings: `${{ }}` variables (plain
 * `{{ }}` under cookiecutterCompat), no autoescaping, Jinja compatibility, the built-in filters
 * and any extra filters given. It walks the parsed tree; it never generates or runs JavaScript.
 */

export { TemplateSyntaxError } from './lexer.ts';
export { SafeFunction, TemplateRenderError, DEFAULT_LIMITS, type RenderLimits } from './values.ts';

/** An extra filter, like Backstage's `parseRepoUrl`: plain data in, plain data out. */
export type ExtraFilter = (value: unknown, ...args: unknown[]) => unknown;

export interface RenderOptions {
  /** `{{ }}` instead of `${{ }}`, and a `jsonify` filter (fetch:template's cookiecutterCompat). */
  cookiecutterCompat?: boolean;
  filters?: Readonly<Record<string, ExtraFilter>>;
  limits?: RenderLimits;
}

/** Parses a template once; throws TemplateSyntaxError. */
export function compileTemplate(source: string, options: Pick<RenderOptions, 'cookiecutterCompat'> = {}): ParsedTemplate {
  return parseTemplate(source, options.cookiecutterCompat === true ? JINJA_TAGS : BACKSTAGE_TAGS);
}

/** Renders `source` with `context` (plain JSON data). Throws TemplateSyntaxError or TemplateRenderError. */
export function renderTemplate(source: string, context: Record<string, unknown>, options: RenderOptions = {}): string {
  return renderParsed(compileTemplate(source, options), context, options);
}

/** Renders an already parsed template. */
export function renderParsed(template: ParsedTemplate, context: Record<string, unknown>, options: RenderOptions = {}): string {
  const renderer = new Renderer(context, options);
  const out: string[] = [];
  renderer.renderNodes(template.nodes, new Frame(undefined, false), out);
  return out.join('');
}

/**
 * Backstage's test for a step input that keeps its JSON type: the whole string is one
 * `${{ }}` expression (or one block) with no text around it.
 */
export function isSingleExpression(source: string): boolean {
  try {
    const { nodes } = compileTemplate(source);
    return nodes.length === 1 && nodes[0]?.type !== 'text';
  } catch {
    return false;
  }
}

class Frame {
  private readonly vars = new Map<string, unknown>();
  readonly parent: Frame | undefined;
  private readonly isolateWrites: boolean;
  /** The template's own top frame: what is set here is visible everywhere, macros included. */
  readonly topLevel: boolean;
  constructor(parent: Frame | undefined, isolateWrites: boolean) {
    this.parent = parent;
    this.isolateWrites = isolateWrites;
    this.topLevel = parent === undefined && !isolateWrites;
  }

  lookup(name: string): unknown {
    for (let frame: Frame | undefined = this; frame !== undefined; frame = frame.parent) {
      const value = frame.vars.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  private resolve(name: string, forWrite: boolean): Frame | undefined {
    if (this.vars.get(name) !== undefined) return this;
    const parent = forWrite && this.isolateWrites ? undefined : this.parent;
    return parent?.resolve(name, false);
  }

  /** `{% set %}` updates the variable where it lives, as Nunjucks does; loop variables stay local. */
  set(name: string, value: unknown, resolveUp: boolean): void {
    const owner = resolveUp ? (this.resolve(name, true) ?? this) : this;
    owner.vars.set(name, value);
  }

  push(): Frame {
    return new Frame(this, false);
  }
}

const JINJA_NAMES: Record<string, unknown> = { True: true, False: false, None: null };

class Renderer {
  private steps = 0;
  private depth = 0;
  /** Top-level `set`s and macros, which Nunjucks also puts in the render context. */
  private readonly topVariables = new Map<string, unknown>();
  private readonly limits: RenderLimits;
  private readonly filters: Readonly<Record<string, ExtraFilter>>;
  private readonly globals: Record<string, SafeFunction>;

  private readonly context: Record<string, unknown>;
  private readonly options: RenderOptions;

  constructor(context: Record<string, unknown>, options: RenderOptions) {
    this.context = context;
    this.options = options;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.filters = options.filters ?? {};
    this.globals = { range: rangeFunction(this.limits), cycler: cyclerFunction(), joiner: joinerFunction() };
  }

  private tick(line?: number): void {
    this.steps += 1;
    if (this.steps > this.limits.maxSteps) throw new TemplateRenderError(`the template ran more than ${this.limits.maxSteps} steps and was stopped; it looks like a runaway loop`, line);
  }

  renderNodes(nodes: readonly TemplateNode[], frame: Frame, out: string[]): void {
    for (const node of nodes) this.renderNode(node, frame, out);
  }

  private written = 0;

  private write(out: string[], text: string): void {
    out.push(text);
    // Everything written, captures included, counts towards one budget per render.
    this.written += text.length;
    if (this.written > this.limits.maxChars) throw new TemplateRenderError(`the template's output passed ${this.limits.maxChars} characters and was stopped`);
  }

  private renderNode(node: TemplateNode, frame: Frame, out: string[]): void {
    this.tick();
    switch (node.type) {
      case 'text':
        if (node.value !== '') this.write(out, node.value);
        return;
      case 'output':
        this.write(out, toOutput(this.evaluate(node.expr, frame)));
        return;
      case 'if': {
        for (const branch of node.branches) {
          if (this.evaluate(branch.condition, frame)) {
            this.renderNodes(branch.body, frame, out);
            return;
          }
        }
        if (node.otherwise) this.renderNodes(node.otherwise, frame, out);
        return;
      }
      case 'for':
        this.renderFor(node, frame, out);
        return;
      case 'set': {
        let value: unknown;
        if (node.value !== undefined) value = this.evaluate(node.value, frame);
        else {
          const captured: string[] = [];
          this.renderNodes(node.body ?? [], frame, captured);
          value = captured.join('');
        }
        for (const target of node.targets) {
          frame.set(target, value, true);
          if (frame.topLevel) this.topVariables.set(target, value);
        }
        return;
      }
      case 'macro': {
        const macro = this.macroFunction(node);
        frame.set(node.name, macro, true);
        if (frame.topLevel) this.topVariables.set(node.name, macro);
        return;
      }
      case 'filterBlock': {
        const captured: string[] = [];
        this.renderNodes(node.body, frame, captured);
        const args = node.args.map((arg) => this.evaluate(arg, frame));
        this.write(out, toOutput(this.applyFilter(node.name, captured.join(''), args, [], node.line)));
        return;
      }
    }
  }

  private renderFor(node: Extract<TemplateNode, { type: 'for' }>, outer: Frame, out: string[]): void {
    const frame = outer.push();
    const iterable = this.evaluate(node.iterable, frame);
    let iterated = false;
    const bindLoop = (index: number, length: number) => {
      this.tick(node.line);
      frame.set('loop', { index: index + 1, index0: index, revindex: length - index, revindex0: length - index - 1, first: index === 0, last: index === length - 1, length }, false);
    };
    if (iterable) {
      if (node.targets.length > 1 && !Array.isArray(iterable)) {
        if (isPlainObject(iterable)) {
          const entries = Object.entries(iterable);
          entries.forEach(([key, value], index) => {
            iterated = true;
            frame.set(node.targets[0] ?? '', key, false);
            frame.set(node.targets[1] ?? '', value, false);
            bindLoop(index, entries.length);
            this.renderNodes(node.body, frame, out);
          });
        }
      } else if (Array.isArray(iterable) || typeof iterable === 'string') {
        const items: readonly unknown[] = typeof iterable === 'string' ? [...iterable.split('')] : iterable;
        const length = items.length;
        for (let index = 0; index < items.length; index += 1) {
          iterated = true;
          const item = items[index];
          if (node.targets.length > 1) node.targets.forEach((target, u) => frame.set(target, lookupMember(item, u, this.limits), false));
          else frame.set(node.targets[0] ?? '', item, false);
          bindLoop(index, length);
          this.renderNodes(node.body, frame, out);
        }
      }
    }
    if (!iterated && node.otherwise) this.renderNodes(node.otherwise, outer, out);
  }

  private macroFunction(node: Extract<TemplateNode, { type: 'macro' }>): SafeFunction {
    return new SafeFunction(node.name, (args, kwargs) => {
      this.depth += 1;
      try {
        if (this.depth > this.limits.maxDepth) throw new TemplateRenderError(`macro ${node.name} called itself more than ${this.limits.maxDepth} deep`);
        // Macros see the template's values and their own arguments, not the caller's variables.
        const frame = new Frame(undefined, true);
        node.params.forEach((param, i) => {
          const given = i < args.length ? args[i] : Object.hasOwn(kwargs, param.name) ? kwargs[param.name] : undefined;
          frame.set(param.name, given !== undefined ? given : param.default === undefined ? undefined : this.evaluate(param.default, frame), false);
        });
        const out: string[] = [];
        this.renderNodes(node.body, frame, out);
        return out.join('');
      } finally {
        this.depth -= 1;
      }
    });
  }

  evaluate(expr: Expr, frame: Frame): unknown {
    this.tick();
    switch (expr.type) {
      case 'literal':
        return expr.value;
      case 'regex':
        try {
          return new RegExp(expr.source, expr.flags);
        } catch {
          throw new TemplateRenderError(`invalid regular expression r/${expr.source}/`);
        }
      case 'name':
        return this.lookupName(expr.name, frame);
      case 'array':
        return expr.items.map((item) => this.evaluate(item, frame));
      case 'dict':
        return Object.fromEntries(expr.entries.map(([key, value]) => [toText(this.evaluate(key, frame)), this.evaluate(value, frame)]));
      case 'lookup':
        return lookupMember(this.evaluate(expr.target, frame), this.evaluate(expr.key, frame), this.limits);
      case 'slice':
        return this.slice(expr, frame);
      case 'call':
        return this.call(expr, frame);
      case 'filter': {
        const target = this.evaluate(expr.target, frame);
        const args = expr.args.map((arg) => this.evaluate(arg, frame));
        const kwargs = expr.kwargs.map(([name, value]): [string, unknown] => [name, this.evaluate(value, frame)]);
        return this.applyFilter(expr.name, target, args, kwargs, expr.line);
      }
      case 'unary': {
        const value = this.evaluate(expr.operand, frame);
        if (expr.op === 'not') return !value;
        return expr.op === '-' ? -Number(toPrimitive(value)) : Number(toPrimitive(value));
      }
      case 'binary':
        return this.binary(expr.op, expr.left, expr.right, frame);
      case 'compare': {
        // After inJavaScriptOrder a comparison has one operator: JavaScript reads
        // `a < b < c` as `(a < b) < c`, and so does this.
        let result = this.evaluate(expr.first, frame);
        for (const [op, rightExpr] of expr.rest) result = compare(op, result, this.evaluate(rightExpr, frame));
        return result;
      }
      case 'is': {
        const test = Object.hasOwn(TESTS, expr.test) ? TESTS[expr.test] : undefined;
        if (test === undefined) throw new TemplateRenderError(`test not found: ${expr.test}`, expr.line);
        const value = this.evaluate(expr.target, frame);
        const result = test(value, expr.args[0] === undefined ? undefined : this.evaluate(expr.args[0], frame));
        return expr.negate ? !result : result;
      }
      case 'in': {
        const needle = this.evaluate(expr.needle, frame);
        const haystack = this.evaluate(expr.haystack, frame);
        let found: boolean;
        if (Array.isArray(haystack)) found = haystack.includes(needle);
        else if (typeof haystack === 'string') found = haystack.includes(toText(needle));
        else if (isPlainObject(haystack)) found = Object.hasOwn(haystack, toText(needle));
        else throw new TemplateRenderError(`Cannot use "in" operator to search for "${toText(needle)}" in unexpected types.`);
        return expr.negate ? !found : found;
      }
      case 'group':
        return this.evaluate(expr.expr, frame);
      case 'conditional':
        return this.evaluate(expr.condition, frame) ? this.evaluate(expr.then, frame) : expr.otherwise === undefined ? undefined : this.evaluate(expr.otherwise, frame);
    }
  }

  private lookupName(name: string, frame: Frame): unknown {
    const local = frame.lookup(name);
    if (local !== undefined) return local;
    if (Object.hasOwn(JINJA_NAMES, name)) return JINJA_NAMES[name];
    const top = this.topVariables.get(name);
    if (top !== undefined) return top;
    if (Object.hasOwn(this.context, name)) return this.context[name];
    return Object.hasOwn(this.globals, name) ? this.globals[name] : undefined;
  }

  private binary(op: string, leftExpr: Expr, rightExpr: Expr, frame: Frame): unknown {
    const left = this.evaluate(leftExpr, frame);
    if (op === 'and') return left ? this.evaluate(rightExpr, frame) : left;
    if (op === 'or') return left ? left : this.evaluate(rightExpr, frame);
    const right = this.evaluate(rightExpr, frame);
    switch (op) {
      case '~':
        return checkSize(`${toText(left)}${toText(right)}`, this.limits);
      case '+':
        return checkSize(add(left, right), this.limits);
      case '-':
        return Number(toPrimitive(left)) - Number(toPrimitive(right));
      case '*':
        return Number(toPrimitive(left)) * Number(toPrimitive(right));
      case '/':
        return Number(toPrimitive(left)) / Number(toPrimitive(right));
      case '//':
        return Math.floor(Number(toPrimitive(left)) / Number(toPrimitive(right)));
      case '%':
        return Number(toPrimitive(left)) % Number(toPrimitive(right));
      case '**':
        return Number(toPrimitive(left)) ** Number(toPrimitive(right));
      default:
        throw new TemplateRenderError(`unknown operator ${op}`);
    }
  }

  private slice(expr: Extract<Expr, { type: 'slice' }>, frame: Frame): unknown {
    const target = this.evaluate(expr.target, frame);
    const bound = (part: Expr | undefined) => (part === undefined ? undefined : Number(toPrimitive(this.evaluate(part, frame))));
    const items = typeof target === 'string' ? target.split('') : Array.isArray(target) ? target : undefined;
    if (items === undefined) return undefined;
    const length = items.length;
    const step = bound(expr.step) ?? 1;
    if (step === 0 || Number.isNaN(step)) throw new TemplateRenderError('a slice step cannot be zero');
    const clamp = (value: number | undefined, fallback: number) => {
      if (value === undefined) return fallback;
      const index = value < 0 ? value + length : value;
      return step > 0 ? Math.min(Math.max(index, 0), length) : Math.min(Math.max(index, -1), length - 1);
    };
    const start = clamp(bound(expr.start), step > 0 ? 0 : length - 1);
    const stop = clamp(bound(expr.stop), step > 0 ? length : -1);
    const result: unknown[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
      this.tick();
      result.push(items[i]);
    }
    // Nunjucks' Jinja compatibility slices a string into a list of characters.
    return result;
  }

  private call(expr: Extract<Expr, { type: 'call' }>, frame: Frame): unknown {
    const callee = this.evaluate(expr.callee, frame);
    const name = describeCallee(expr.callee);
    if (callee === undefined || callee === null || callee === false || callee === '' || callee === 0) {
      throw new TemplateRenderError(`Unable to call \`${name}\`, which is undefined or falsey`, expr.line);
    }
    if (!(callee instanceof SafeFunction)) throw new TemplateRenderError(`Unable to call \`${name}\`, which is not a function`, expr.line);
    const args = expr.args.map((arg) => this.evaluate(arg, frame));
    const kwargs = Object.fromEntries(expr.kwargs.map(([key, value]) => [key, this.evaluate(value, frame)]));
    return callee.invoke(args, kwargs);
  }

  private applyFilter(name: string, target: unknown, args: unknown[], kwargs: [string, unknown][], line: number): unknown {
    if (name === 'jsonify' && this.options.cookiecutterCompat === true) return this.applyFilter('dump', target, args, kwargs, line);
    const extra = Object.hasOwn(this.filters, name) ? this.filters[name] : undefined;
    try {
      if (extra !== undefined) return extra(target, ...args);
      const builtin = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
      if (builtin === undefined) throw new TemplateRenderError(`filter not found: ${name}`, line);
      const positional: unknown[] = [target, ...args];
      for (const [key, value] of kwargs) {
        const at = builtin.params.indexOf(key);
        if (at > 0) positional[at] = value;
      }
      return builtin.run(positional, this.limits);
    } catch (error) {
      if (error instanceof TemplateRenderError && error.line !== undefined) throw error;
      throw new TemplateRenderError(`${name} filter: ${error instanceof Error ? error.message : String(error)}`, line);
    }
  }
}

function compare(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case '==':
      return looseEquals(left, right);
    case '!=':
      return !looseEquals(left, right);
    case '===':
      return left === right;
    case '!==':
      return left !== right;
    case '<':
      return lessThan(left, right);
    case '>':
      return lessThan(right, left);
    case '<=':
      return lessThan(left, right) || looseEquals(left, right);
    case '>=':
      return lessThan(right, left) || looseEquals(left, right);
    default:
      return false;
  }
}

function describeCallee(expr: Expr): string {
  if (expr.type === 'name') return expr.name;
  if (expr.type === 'lookup' && expr.key.type === 'literal') return `${describeCallee(expr.target)}["${String(expr.key.value)}"]`;
  return 'the expression';
}

function rangeFunction(limits: RenderLimits): SafeFunction {
  return new SafeFunction('range', ([first, second, third]) => {
    let start = Number(first);
    let stop = Number(second);
    const step = third === undefined ? 1 : Number(third);
    if (second === undefined) {
      stop = start;
      start = 0;
    }
    if (step === 0 || Number.isNaN(step)) throw new TemplateRenderError('range() step cannot be zero');
    const count = Math.ceil((stop - start) / step);
    if (count > limits.maxChars) throw new TemplateRenderError(`range() of ${count} items is over the limit of ${limits.maxChars}`);
    const result: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) result.push(i);
    return result;
  });
}

function cyclerFunction(): SafeFunction {
  return new SafeFunction('cycler', (items) => {
    let index = -1;
    const members: Record<string, unknown> = { current: null };
    members.reset = new SafeFunction('reset', () => {
      index = -1;
      members.current = null;
      return undefined;
    });
    members.next = new SafeFunction('next', () => {
      index += 1;
      if (index >= items.length) index = 0;
      members.current = items[index];
      return members.current;
    });
    return new SafeFunction('cycler', () => undefined, members);
  });
}

function joinerFunction(): SafeFunction {
  return new SafeFunction('joiner', ([separator]) => {
    const text = separator === undefined ? ',' : toText(separator);
    let first = true;
    return new SafeFunction('joiner', () => {
      const result = first ? '' : text;
      first = false;
      return result;
    });
  });
}

export type { ParsedTemplate };
