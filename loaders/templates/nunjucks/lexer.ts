/**
 * Splits a template into tokens the way Nunjucks 3.2.4's lexer does (same tag syntax, same
 * whitespace-control markers, same word and operator rules), so the parser can reproduce its
 * output byte for byte. Only text is produced here: nothing is evaluated.
 */

/** The delimiters of one template dialect. */
export interface TagSyntax {
  blockStart: string;
  blockEnd: string;
  variableStart: string;
  variableEnd: string;
  commentStart: string;
  commentEnd: string;
}

/** Backstage's scaffolder: `${{ }}` for values, so `{{ }}` in skeleton files stays literal. */
export const BACKSTAGE_TAGS: TagSyntax = {
  blockStart: '{%',
  blockEnd: '%}',
  variableStart: '${{',
  variableEnd: '}}',
  commentStart: '{#',
  commentEnd: '#}',
};

/** cookiecutterCompat: plain Jinja `{{ }}`. */
export const JINJA_TAGS: TagSyntax = { ...BACKSTAGE_TAGS, variableStart: '{{' };

export type TokenType =
  | 'data'
  | 'blockStart'
  | 'blockEnd'
  | 'variableStart'
  | 'variableEnd'
  | 'comment'
  | 'string'
  | 'int'
  | 'float'
  | 'boolean'
  | 'none'
  | 'name'
  | 'operator'
  | 'regex';

export interface Token {
  type: TokenType;
  value: string;
  /** 1-based line of the token's first character. */
  line: number;
}

/** A template that cannot be read; the message says where. */
export class TemplateSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.line = line;
  }
}

const WHITESPACE = ' \n\t\r\u00A0';
const DELIMITERS = '()[]{}%*-+~/#,:|.<>=!';
const TWO_CHAR_OPERATORS = ['==', '!=', '<=', '>=', '//', '**'];
const THREE_CHAR_OPERATORS = ['===', '!=='];

/** Every token of `source`, in order. Throws TemplateSyntaxError on an unterminated string. */
export function tokenize(source: string, tags: TagSyntax): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let inCode = false;

  const advance = (count: number): string => {
    const text = source.slice(pos, pos + count);
    for (const ch of text) if (ch === '\n') line += 1;
    pos += count;
    return text;
  };
  const at = (text: string): boolean => source.startsWith(text, pos);
  const push = (type: TokenType, value: string, startLine: number) => tokens.push({ type, value, line: startLine });

  while (pos < source.length) {
    const startLine = line;
    if (inCode) {
      const ch = source[pos] ?? '';
      if (WHITESPACE.includes(ch)) {
        advance(1);
        continue;
      }
      const end = [tags.blockEnd, `-${tags.blockEnd}`].find(at);
      if (end !== undefined) {
        push('blockEnd', advance(end.length), startLine);
        inCode = false;
        continue;
      }
      const variableEnd = [tags.variableEnd, `-${tags.variableEnd}`].find(at);
      if (variableEnd !== undefined) {
        push('variableEnd', advance(variableEnd.length), startLine);
        inCode = false;
        continue;
      }
      if (ch === '"' || ch === "'") {
        push('string', readString(ch), startLine);
        continue;
      }
      if (ch === 'r' && source[pos + 1] === '/') {
        push('regex', readRegex(), startLine);
        continue;
      }
      if (DELIMITERS.includes(ch)) {
        const op = [...THREE_CHAR_OPERATORS, ...TWO_CHAR_OPERATORS].find(at) ?? ch;
        push('operator', advance(op.length), startLine);
        continue;
      }
      let end2 = pos;
      while (end2 < source.length && !WHITESPACE.includes(source[end2] ?? '') && !DELIMITERS.includes(source[end2] ?? '')) end2 += 1;
      const word = advance(end2 - pos);
      if (/^[-+]?[0-9]+$/.test(word)) {
        if (source[pos] === '.' && /[0-9]/.test(source[pos + 1] ?? '')) {
          advance(1);
          let fracEnd = pos;
          while (/[0-9]/.test(source[fracEnd] ?? '')) fracEnd += 1;
          push('float', `${word}.${advance(fracEnd - pos)}`, startLine);
        } else push('int', word, startLine);
      } else if (word === 'true' || word === 'false') push('boolean', word, startLine);
      else if (word === 'none' || word === 'null') push('none', word, startLine);
      else if (word !== '') push('name', word, startLine);
      else throw new TemplateSyntaxError(`unexpected character "${ch}"`, startLine);
      continue;
    }

    // Text up to the next tag.
    const next = nextTag();
    if (next === undefined) {
      push('data', advance(source.length - pos), startLine);
      break;
    }
    if (next.index > pos) push('data', advance(next.index - pos), startLine);
    const tagLine = line;
    if (next.kind === 'comment') {
      const close = source.indexOf(tags.commentEnd, pos + tags.commentStart.length);
      if (close === -1) throw new TemplateSyntaxError('a comment ({# … #}) is never closed', tagLine);
      push('comment', advance(close + tags.commentEnd.length - pos), tagLine);
      continue;
    }
    const start = next.kind === 'block' ? tags.blockStart : tags.variableStart;
    const withDash = source[pos + start.length] === '-' ? `${start}-` : start;
    push(next.kind === 'block' ? 'blockStart' : 'variableStart', advance(withDash.length), tagLine);
    inCode = true;
    if (next.kind === 'block') maybeRaw();
  }
  if (inCode) throw new TemplateSyntaxError('a tag is never closed (expected %} or }})', line);
  return tokens;

  function nextTag(): { index: number; kind: 'block' | 'variable' | 'comment' } | undefined {
    const candidates = [
      { index: source.indexOf(tags.blockStart, pos), kind: 'block' as const },
      { index: source.indexOf(tags.variableStart, pos), kind: 'variable' as const },
      { index: source.indexOf(tags.commentStart, pos), kind: 'comment' as const },
    ].filter((c) => c.index !== -1);
    // At one index, the longest start wins (`${{` over `{{`, say).
    candidates.sort((a, b) => a.index - b.index);
    return candidates[0];
  }

  function readString(quote: string): string {
    const startLine = line;
    advance(1);
    let value = '';
    while (pos < source.length && source[pos] !== quote) {
      if (source[pos] === '\\') {
        advance(1);
        const escaped = advance(1);
        value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped === 'r' ? '\r' : escaped;
      } else value += advance(1);
    }
    if (pos >= source.length) throw new TemplateSyntaxError('a string is never closed', startLine);
    advance(1);
    return value;
  }

  function readRegex(): string {
    advance(2);
    let body = '';
    while (pos < source.length) {
      if (source[pos] === '/' && source[pos - 1] !== '\\') break;
      body += advance(1);
    }
    advance(1);
    let flags = '';
    while (/[gimy]/.test(source[pos] ?? '')) flags += advance(1);
    return `${body}/${flags}`;
  }

  /** `{% raw %}` / `{% verbatim %}`: everything up to the matching end tag is text. */
  function maybeRaw(): void {
    const match = /^\s*(raw|verbatim)\s*(-?)/.exec(source.slice(pos, pos + 40));
    if (match === null) return;
    const word = match[1] ?? 'raw';
    const afterWord = pos + match[0].length;
    if (!source.startsWith(tags.blockEnd, afterWord)) return;
    const startLine = line;
    push('name', word, startLine);
    advance(afterWord - pos - (match[2] ?? '').length);
    const close = [tags.blockEnd, `-${tags.blockEnd}`].find(at) ?? tags.blockEnd;
    push('blockEnd', advance(close.length), startLine);
    // As Nunjucks: raw blocks nest, and only `{% raw %}` / `{% endraw %}` (no dash) count.
    const tagPattern = new RegExp(`${escapeRegExp(tags.blockStart)}\\s*(${word}|end${word})\\s*${escapeRegExp(tags.blockEnd)}`, 'g');
    tagPattern.lastIndex = pos;
    let level = 1;
    let end: RegExpExecArray | null = null;
    while (level > 0) {
      end = tagPattern.exec(source);
      if (end === null) break;
      level += end[1] === word ? 1 : -1;
    }
    if (end === null) throw new TemplateSyntaxError(`{% ${word} %} is never closed with {% end${word} %}`, startLine);
    if (end.index > pos) push('data', advance(end.index - pos), line);
    const endLine = line;
    push('blockStart', advance(tags.blockStart.length), endLine);
    push('name', `end${word}`, endLine);
    advance(end[0].length - tags.blockStart.length - tags.blockEnd.length);
    push('blockEnd', advance(tags.blockEnd.length), endLine);
    inCode = false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
