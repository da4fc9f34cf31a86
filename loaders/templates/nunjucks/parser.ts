import { TemplateSyntaxError, tokenize, type TagSyntax, type Token } from './lexer.ts';

/**
 * Turns tokens into a tree, with Nunjucks 3.2.4's operator precedence and whitespace control.
 * The tree is plain data: the renderer interprets it, nothing is compiled to JavaScript, so a
 * template can never reach `Function` or `eval` (and pages need no `'unsafe-eval'`).
 */

export type Expr =
  | { type: 'literal'; value: string | number | boolean | null }
  | { type: 'regex'; source: string; flags: string }
  | { type: 'name'; name: string }
  | { type: 'array'; items: Expr[] }
  | { type: 'dict'; entries: [Expr, Expr][] }
  | { type: 'lookup'; target: Expr; key: Expr }
  | { type: 'slice'; target: Expr; start?: Expr; stop?: Expr; step?: Expr }
  | { type: 'call'; callee: Expr; args: Expr[]; kwargs: [string, Expr][]; line: number }
  | { type: 'filter'; name: string; target: Expr; args: Expr[]; kwargs: [string, Expr][]; line: number }
  | { type: 'unary'; op: 'not' | '-' | '+'; operand: Expr }
  | { type: 'binary'; op: string; left: Expr; right: Expr }
  | { type: 'compare'; first: Expr; rest: [string, Expr][] }
  | { type: 'is'; target: Expr; test: string; args: Expr[]; negate: boolean; line: number }
  | { type: 'in'; needle: Expr; haystack: Expr; negate: boolean }
  | { type: 'conditional'; condition: Expr; then: Expr; otherwise?: Expr }
  | { type: 'group'; expr: Expr };

export type TemplateNode =
  | { type: 'text'; value: string }
  | { type: 'output'; expr: Expr; line: number }
  | { type: 'if'; branches: { condition: Expr; body: TemplateNode[] }[]; otherwise?: TemplateNode[] }
  | { type: 'for'; targets: string[]; iterable: Expr; body: TemplateNode[]; otherwise?: TemplateNode[]; line: number }
  | { type: 'set'; targets: string[]; value?: Expr; body?: TemplateNode[] }
  | { type: 'macro'; name: string; params: { name: string; default?: Expr }[]; body: TemplateNode[] }
  | { type: 'filterBlock'; name: string; args: Expr[]; body: TemplateNode[]; line: number };

/** A parsed template: its top-level nodes. */
export interface ParsedTemplate {
  nodes: TemplateNode[];
}

/** Parses `source`; throws TemplateSyntaxError naming the line of the first mistake. */
export function parseTemplate(source: string, tags: TagSyntax): ParsedTemplate {
  return { nodes: new Parser(tokenize(source, tags), tags).parseRoot() };
}

const ARITHMETIC_LEVELS = ['+', '-', '*', '/', '//', '%', '**'];
const COMPARE_OPERATORS = new Set(['==', '===', '!=', '!==', '<', '>', '<=', '>=']);

class Parser {
  private index = 0;
  private dropLeadingWhitespace = false;
  private readonly tokens: Token[];
  private readonly tags: TagSyntax;
  constructor(tokens: Token[], tags: TagSyntax) {
    this.tokens = tokens;
    this.tags = tags;
  }

  parseRoot(): TemplateNode[] {
    const { nodes, end } = this.parseNodes([]);
    if (end !== undefined) throw new TemplateSyntaxError(`unexpected {% ${end} %}`, this.peek()?.line ?? 0);
    return nodes;
  }

  /** Nodes up to one of `ends` (a block tag name, left unconsumed after its blockStart). */
  private parseNodes(ends: readonly string[]): { nodes: TemplateNode[]; end?: string } {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const token = this.next();
      if (token === undefined) return { nodes };
      if (token.type === 'data') {
        let data = token.value;
        if (this.dropLeadingWhitespace) {
          data = data.replace(/^\s*/, '');
          this.dropLeadingWhitespace = false;
        }
        const following = this.peek();
        if (following !== undefined && this.stripsBefore(following)) data = data.replace(/\s*$/, '');
        nodes.push({ type: 'text', value: data });
      } else if (token.type === 'comment') {
        this.dropLeadingWhitespace = token.value.slice(-this.tags.commentEnd.length - 1, -this.tags.commentEnd.length) === '-';
      } else if (token.type === 'variableStart') {
        const expr = this.parseExpression();
        this.dropLeadingWhitespace = false;
        this.expect('variableEnd');
        this.dropLeadingWhitespace = this.tokens[this.index - 1]?.value.startsWith('-') ?? false;
        nodes.push({ type: 'output', expr, line: token.line });
      } else if (token.type === 'blockStart') {
        this.dropLeadingWhitespace = false;
        const name = this.peek();
        if (name?.type === 'name' && ends.includes(name.value)) return { nodes, end: name.value };
        nodes.push(this.parseStatement(token.line));
      } else throw new TemplateSyntaxError(`unexpected "${token.value}"`, token.line);
    }
  }

  private stripsBefore(token: Token): boolean {
    if (token.type === 'blockStart') return token.value.endsWith('-');
    if (token.type === 'variableStart') return token.value.charAt(this.tags.variableStart.length) === '-';
    if (token.type === 'comment') return token.value.charAt(this.tags.commentStart.length) === '-';
    return false;
  }

  private endBlock(): void {
    const token = this.expect('blockEnd');
    if (token.value.startsWith('-')) this.dropLeadingWhitespace = true;
  }

  private parseStatement(line: number): TemplateNode {
    const keyword = this.expect('name');
    switch (keyword.value) {
      case 'if':
      case 'ifAsync':
        return this.parseIf();
      case 'for':
      case 'asyncEach':
      case 'asyncAll':
        return this.parseFor(line);
      case 'set':
        return this.parseSet();
      case 'raw':
      case 'verbatim':
        return this.parseRaw(keyword.value);
      case 'macro':
        return this.parseMacro();
      case 'filter':
        return this.parseFilterBlock(line);
      default:
        throw new TemplateSyntaxError(`unknown block tag "${keyword.value}" (Playbill runs if, for, set, raw, macro and filter; include, extends and import need files Backstage does not give templates either)`, keyword.line);
    }
  }

  private parseIf(): TemplateNode {
    const branches: { condition: Expr; body: TemplateNode[] }[] = [];
    let condition = this.parseExpression();
    this.endBlock();
    for (;;) {
      const { nodes, end } = this.parseNodes(['elif', 'elseif', 'else', 'endif']);
      branches.push({ condition, body: nodes });
      if (end === undefined) throw new TemplateSyntaxError('{% if %} is never closed with {% endif %}', this.lastLine());
      this.next();
      if (end === 'endif') {
        this.endBlock();
        return { type: 'if', branches };
      }
      if (end === 'else') {
        this.endBlock();
        const rest = this.parseNodes(['endif']);
        if (rest.end === undefined) throw new TemplateSyntaxError('{% if %} is never closed with {% endif %}', this.lastLine());
        this.next();
        this.endBlock();
        return { type: 'if', branches, otherwise: rest.nodes };
      }
      condition = this.parseExpression();
      this.endBlock();
    }
  }

  private parseFor(line: number): TemplateNode {
    const targets = [this.expect('name').value];
    while (this.skipOperator(',')) targets.push(this.expect('name').value);
    const inToken = this.expect('name');
    if (inToken.value !== 'in') throw new TemplateSyntaxError('expected "in" in {% for %}', inToken.line);
    const iterable = this.parseExpression();
    this.endBlock();
    const { nodes, end } = this.parseNodes(['else', 'endfor', 'endeach', 'endall']);
    if (end === undefined) throw new TemplateSyntaxError('{% for %} is never closed with {% endfor %}', line);
    this.next();
    this.endBlock();
    if (end !== 'else') return { type: 'for', targets, iterable, body: nodes, line };
    const rest = this.parseNodes(['endfor', 'endeach', 'endall']);
    if (rest.end === undefined) throw new TemplateSyntaxError('{% for %} is never closed with {% endfor %}', line);
    this.next();
    this.endBlock();
    return { type: 'for', targets, iterable, body: nodes, otherwise: rest.nodes, line };
  }

  private parseSet(): TemplateNode {
    const targets = [this.expect('name').value];
    while (this.skipOperator(',')) targets.push(this.expect('name').value);
    if (this.skipOperator('=')) {
      const value = this.parseExpression();
      this.endBlock();
      return { type: 'set', targets, value };
    }
    this.endBlock();
    const { nodes, end } = this.parseNodes(['endset']);
    if (end === undefined) throw new TemplateSyntaxError('{% set %} is never closed with {% endset %}', this.lastLine());
    this.next();
    this.endBlock();
    return { type: 'set', targets, body: nodes };
  }

  private parseRaw(word: string): TemplateNode {
    this.endBlock();
    const data = this.peek()?.type === 'data' ? (this.next()?.value ?? '') : '';
    this.expect('blockStart');
    const end = this.expect('name');
    if (end.value !== `end${word}`) throw new TemplateSyntaxError(`expected {% end${word} %}`, end.line);
    this.endBlock();
    return { type: 'text', value: data };
  }

  private parseMacro(): TemplateNode {
    const name = this.expect('name').value;
    const params: { name: string; default?: Expr }[] = [];
    this.expectOperator('(');
    while (!this.skipOperator(')')) {
      const param = this.expect('name').value;
      params.push(this.skipOperator('=') ? { name: param, default: this.parseExpression() } : { name: param });
      if (!this.skipOperator(',')) {
        this.expectOperator(')');
        break;
      }
    }
    this.endBlock();
    const { nodes, end } = this.parseNodes(['endmacro']);
    if (end === undefined) throw new TemplateSyntaxError(`{% macro ${name} %} is never closed with {% endmacro %}`, this.lastLine());
    this.next();
    this.endBlock();
    return { type: 'macro', name, params, body: nodes };
  }

  private parseFilterBlock(line: number): TemplateNode {
    const name = this.parseFilterName();
    const { args } = this.peekOperator('(') ? this.parseArguments() : { args: [] };
    this.endBlock();
    const { nodes, end } = this.parseNodes(['endfilter']);
    if (end === undefined) throw new TemplateSyntaxError('{% filter %} is never closed with {% endfilter %}', line);
    this.next();
    this.endBlock();
    return { type: 'filterBlock', name, args, body: nodes, line };
  }

  // Expressions, lowest precedence first, as in Nunjucks' parser.

  parseExpression(): Expr {
    return inJavaScriptOrder(this.parseConditional());
  }

  private parseConditional(): Expr {
    const then = this.parseOr();
    if (!this.skipName('if')) return then;
    const condition = this.parseOr();
    const otherwise = this.skipName('else') ? this.parseOr() : undefined;
    return otherwise === undefined ? { type: 'conditional', condition, then } : { type: 'conditional', condition, then, otherwise };
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.skipName('or')) left = { type: 'binary', op: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.skipName('and')) left = { type: 'binary', op: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Expr {
    if (this.skipName('not')) return { type: 'unary', op: 'not', operand: this.parseNot() };
    return this.parseIn();
  }

  private parseIn(): Expr {
    let needle = this.parseIs();
    for (;;) {
      const token = this.peek();
      if (token?.type === 'name' && token.value === 'not' && this.peek(1)?.type === 'name' && this.peek(1)?.value === 'in') {
        this.index += 2;
        needle = { type: 'in', needle, haystack: this.parseIs(), negate: true };
      } else if (this.skipName('in')) needle = { type: 'in', needle, haystack: this.parseIs(), negate: false };
      else return needle;
    }
  }

  private parseIs(): Expr {
    const target = this.parseCompare();
    const token = this.peek();
    if (!this.skipName('is')) return target;
    const negate = this.skipName('not');
    const testToken = this.next();
    if (testToken === undefined || !['name', 'none', 'boolean'].includes(testToken.type)) throw new TemplateSyntaxError('expected a test name after "is"', token?.line ?? 0);
    const test = testToken.type === 'none' ? 'null' : testToken.value;
    const args = this.peekOperator('(') ? this.parseArguments().args : [];
    return { type: 'is', target, test, args, negate, line: token?.line ?? 0 };
  }

  private parseCompare(): Expr {
    const first = this.parseConcat();
    const rest: [string, Expr][] = [];
    for (;;) {
      const token = this.peek();
      if (token?.type !== 'operator' || !COMPARE_OPERATORS.has(token.value)) break;
      this.index += 1;
      rest.push([token.value, this.parseConcat()]);
    }
    return rest.length === 0 ? first : { type: 'compare', first, rest };
  }

  private parseConcat(): Expr {
    let left = this.parseAdd();
    while (this.skipOperator('~')) left = { type: 'binary', op: '~', left, right: this.parseAdd() };
    return left;
  }

  /** Nunjucks gives each arithmetic operator its own level: `a + b - c` is `a + (b - c)`. */
  private parseAdd(level = 0): Expr {
    const op = ARITHMETIC_LEVELS[level];
    if (op === undefined) return this.parseUnary();
    let left = this.parseAdd(level + 1);
    while (this.skipOperator(op)) left = { type: 'binary', op, left, right: this.parseAdd(level + 1) };
    return left;
  }

  private parseUnary(noFilters = false): Expr {
    let node: Expr;
    if (this.skipOperator('-')) node = { type: 'unary', op: '-', operand: this.parseUnary(true) };
    else if (this.skipOperator('+')) node = { type: 'unary', op: '+', operand: this.parseUnary(true) };
    else node = this.parsePrimary();
    return noFilters ? node : this.parseFilters(node);
  }

  private parseFilters(target: Expr): Expr {
    let node = target;
    while (this.peekOperator('|')) {
      const line = this.next()?.line ?? 0;
      const name = this.parseFilterName();
      const { args, kwargs } = this.peekOperator('(') ? this.parseArguments() : { args: [], kwargs: [] };
      node = { type: 'filter', name, target: node, args, kwargs, line };
    }
    return node;
  }

  private parseFilterName(): string {
    let name = this.expect('name').value;
    while (this.skipOperator('.')) name += `.${this.expect('name').value}`;
    return name;
  }

  private parsePrimary(): Expr {
    const token = this.next();
    if (token === undefined) throw new TemplateSyntaxError('expected an expression, the template ended', this.lastLine());
    let node: Expr;
    switch (token.type) {
      case 'string':
        node = { type: 'literal', value: token.value };
        break;
      case 'int':
        node = { type: 'literal', value: Number.parseInt(token.value, 10) };
        break;
      case 'float':
        node = { type: 'literal', value: Number.parseFloat(token.value) };
        break;
      case 'boolean':
        node = { type: 'literal', value: token.value === 'true' };
        break;
      case 'none':
        node = { type: 'literal', value: null };
        break;
      case 'regex': {
        const slash = token.value.lastIndexOf('/');
        node = { type: 'regex', source: token.value.slice(0, slash), flags: token.value.slice(slash + 1) };
        break;
      }
      case 'name':
        node = { type: 'name', name: token.value };
        break;
      case 'operator':
        if (token.value === '(') node = this.parseGroup();
        else if (token.value === '[') node = this.parseArrayLiteral();
        else if (token.value === '{') node = this.parseDictLiteral();
        else throw new TemplateSyntaxError(`unexpected "${token.value}"`, token.line);
        break;
      default:
        throw new TemplateSyntaxError(`unexpected "${token.value}"`, token.line);
    }
    return this.parsePostfix(node);
  }

  private parseGroup(): Expr {
    if (this.skipOperator(')')) return { type: 'array', items: [] };
    const first = this.parseExpression();
    if (this.skipOperator(')')) return { type: 'group', expr: first };
    // `(a, b)` is JavaScript's comma operator in Nunjucks' output: the last value.
    let last = first;
    while (this.skipOperator(',')) {
      if (this.peekOperator(')')) break;
      last = this.parseExpression();
    }
    this.expectOperator(')');
    return { type: 'group', expr: last };
  }

  private parseArrayLiteral(): Expr {
    const items: Expr[] = [];
    while (!this.skipOperator(']')) {
      items.push(this.parseExpression());
      if (!this.skipOperator(',')) {
        this.expectOperator(']');
        break;
      }
    }
    return { type: 'array', items };
  }

  private parseDictLiteral(): Expr {
    const entries: [Expr, Expr][] = [];
    while (!this.skipOperator('}')) {
      const parsedKey = this.parsePrimary();
      // `{name: 1}`: a bare name is the key's text, not a variable.
      const key: Expr = parsedKey.type === 'name' ? { type: 'literal', value: parsedKey.name } : parsedKey;
      this.expectOperator(':');
      entries.push([key, this.parseExpression()]);
      if (!this.skipOperator(',')) {
        this.expectOperator('}');
        break;
      }
    }
    return { type: 'dict', entries };
  }

  private parsePostfix(start: Expr): Expr {
    let node = start;
    for (;;) {
      const token = this.peek();
      if (token?.type !== 'operator') return node;
      if (token.value === '(') {
        const { args, kwargs } = this.parseArguments();
        node = { type: 'call', callee: node, args, kwargs, line: token.line };
      } else if (token.value === '[') {
        this.index += 1;
        node = this.parseSubscript(node);
      } else if (token.value === '.') {
        this.index += 1;
        const key = this.next();
        if (key?.type !== 'name') throw new TemplateSyntaxError(`expected a name after ".", got "${key?.value ?? 'the end'}"`, token.line);
        node = { type: 'lookup', target: node, key: { type: 'literal', value: key.value } };
      } else return node;
    }
  }

  private parseSubscript(target: Expr): Expr {
    const parts: (Expr | undefined)[] = [undefined];
    let sliced = false;
    while (!this.skipOperator(']')) {
      if (this.skipOperator(':')) {
        sliced = true;
        parts.push(undefined);
        continue;
      }
      parts[parts.length - 1] = this.parseExpression();
    }
    if (!sliced) {
      const key = parts[0];
      if (key === undefined) throw new TemplateSyntaxError('expected an index inside [ ]', this.lastLine());
      return { type: 'lookup', target, key };
    }
    const [start, stop, step] = parts;
    return { type: 'slice', target, ...(start && { start }), ...(stop && { stop }), ...(step && { step }) };
  }

  private parseArguments(): { args: Expr[]; kwargs: [string, Expr][] } {
    this.expectOperator('(');
    const args: Expr[] = [];
    const kwargs: [string, Expr][] = [];
    while (!this.skipOperator(')')) {
      const token = this.peek();
      if (token?.type === 'name' && this.peek(1)?.type === 'operator' && this.peek(1)?.value === '=') {
        this.index += 2;
        kwargs.push([token.value, this.parseExpression()]);
      } else args.push(this.parseExpression());
      if (!this.skipOperator(',')) {
        this.expectOperator(')');
        break;
      }
    }
    return { args, kwargs };
  }

  // Token helpers.

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.index];
    if (token !== undefined) this.index += 1;
    return token;
  }

  private lastLine(): number {
    return this.tokens[Math.min(this.index, this.tokens.length - 1)]?.line ?? 1;
  }

  private expect(type: Token['type']): Token {
    const token = this.next();
    if (token?.type !== type) throw new TemplateSyntaxError(`expected ${describe(type)}, got ${token === undefined ? 'the end of the template' : `"${token.value}"`}`, token?.line ?? this.lastLine());
    return token;
  }

  private peekOperator(value: string): boolean {
    const token = this.peek();
    return token?.type === 'operator' && token.value === value;
  }

  private skipOperator(value: string): boolean {
    if (!this.peekOperator(value)) return false;
    this.index += 1;
    return true;
  }

  private expectOperator(value: string): void {
    if (!this.skipOperator(value)) {
      const token = this.peek();
      throw new TemplateSyntaxError(`expected "${value}", got ${token === undefined ? 'the end of the template' : `"${token.value}"`}`, token?.line ?? this.lastLine());
    }
  }

  private skipName(value: string): boolean {
    const token = this.peek();
    if (token?.type !== 'name' || token.value !== value) return false;
    this.index += 1;
    return true;
  }
}

function describe(type: Token['type']): string {
  return { blockEnd: 'the end of the tag (%})', variableEnd: 'the end of the value (}})', name: 'a name' }[type as string] ?? type;
}

/**
 * Nunjucks writes operators into generated JavaScript without parentheses, so JavaScript's
 * precedence, not Nunjucks' own tree, decides what a chain means: `not a == b` is
 * `(!a) == b`, `a ~ b + c` is `a + "" + b + c`, `"a" + 1 - 1` is NaN. This rebuilds each chain
 * of operators the way JavaScript would read the text Nunjucks emits. Everything Nunjucks
 * emits as one unit (a call, a lookup, a filter, `in`, `is`, `//`, `**`, an inline if, a
 * parenthesised group) stays one operand.
 */
type ChainItem = { kind: 'operand'; expr: Expr } | { kind: 'prefix'; op: 'not' | '-' | '+' } | { kind: 'infix'; op: string };

const JS_PRECEDENCE: Record<string, number> = {
  or: 4, and: 5,
  '==': 9, '!=': 9, '===': 9, '!==': 9,
  '<': 10, '>': 10, '<=': 10, '>=': 10,
  '+': 12, '-': 12, '~': 12,
  '*': 13, '/': 13, '%': 13,
};
const ATOMIC_BINARY = new Set(['//', '**']);

function inJavaScriptOrder(expr: Expr): Expr {
  const chain: ChainItem[] = [];
  flatten(expr, chain);
  if (chain.length === 1 && chain[0]?.kind === 'operand') return chain[0].expr;
  let at = 0;
  const operand = (): Expr => {
    const item = chain[at];
    at += 1;
    if (item?.kind === 'prefix') return { type: 'unary', op: item.op, operand: operand() };
    if (item?.kind === 'operand') return item.expr;
    throw new TemplateSyntaxError('expected a value between operators', 0);
  };
  const climb = (minimum: number): Expr => {
    let left = operand();
    for (;;) {
      const item = chain[at];
      if (item?.kind !== 'infix') return left;
      const precedence = JS_PRECEDENCE[item.op] ?? 0;
      if (precedence < minimum) return left;
      at += 1;
      const right = climb(precedence + 1);
      left = item.op in { '==': 1, '!=': 1, '===': 1, '!==': 1, '<': 1, '>': 1, '<=': 1, '>=': 1 }
        ? { type: 'compare', first: left, rest: [[item.op, right]] }
        : { type: 'binary', op: item.op, left, right };
    }
  };
  return climb(0);
}

function flatten(expr: Expr, chain: ChainItem[]): void {
  switch (expr.type) {
    case 'binary':
      if (ATOMIC_BINARY.has(expr.op)) break;
      flatten(expr.left, chain);
      if (expr.op === '~') {
        // Nunjucks emits `left + "" + right`.
        chain.push({ kind: 'infix', op: '+' }, { kind: 'operand', expr: { type: 'literal', value: '' } }, { kind: 'infix', op: '+' });
      } else chain.push({ kind: 'infix', op: expr.op });
      flatten(expr.right, chain);
      return;
    case 'unary':
      chain.push({ kind: 'prefix', op: expr.op });
      flatten(expr.operand, chain);
      return;
    case 'compare':
      flatten(expr.first, chain);
      for (const [op, right] of expr.rest) {
        chain.push({ kind: 'infix', op });
        flatten(right, chain);
      }
      return;
    default:
      break;
  }
  chain.push({ kind: 'operand', expr });
}
