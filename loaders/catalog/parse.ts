import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';

/** A 1-based position in a file. */
export interface Position {
  line: number;
  column: number;
}

/** One non-empty YAML document of a file, with a way to find where a field was written. */
export interface ParsedDocument {
  /** 1-based count among the file's non-empty documents, as Backstage counts them. */
  index: number;
  /** The document as plain data (aliases expanded within limits). */
  value: unknown;
  /** Where the document starts. */
  position: Position;
  /** Where a field path was written; falls back to the nearest written ancestor. */
  locate(path: readonly (string | number)[]): Position;
}

/** A syntax error or rejected document, with its position. */
export interface ParseError extends Position {
  message: string;
}

export interface ParseResult {
  documents: ParsedDocument[];
  errors: ParseError[];
}

/** Limits that keep hostile YAML from costing time or memory. */
export interface ParseLimits {
  /** Aliases a document may expand; YAML bombs need many more. */
  maxAliasCount?: number;
}

/**
 * Parses a multi-document YAML file. Empty documents are skipped; a document with syntax
 * errors or too many aliases becomes an error with its line and column, and the others
 * still parse.
 */
export function parseYamlDocuments(text: string, limits: ParseLimits = {}): ParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const documents: ParsedDocument[] = [];
  const errors: ParseError[] = [];
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (!Array.isArray(docs)) return { documents, errors };
  let index = 0;
  for (const doc of docs) {
    if (doc.contents === null) continue;
    const start = position(doc.contents.range[0]);
    if (doc.errors.length > 0) {
      index++;
      for (const error of doc.errors) {
        const at = error.linePos?.[0];
        errors.push({
          line: at?.line ?? start.line,
          column: at?.col ?? start.column,
          message: `YAML syntax error: ${firstLine(error.message)}`,
        });
      }
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount ?? 100 });
    } catch (error) {
      index++;
      errors.push({ ...start, message: `YAML document rejected: ${firstLine(String(error instanceof Error ? error.message : error))}` });
      continue;
    }
    // A bare `---` (or one followed only by comments) is an empty document; Backstage skips those.
    if (value === null || value === undefined) continue;
    index++;
    const docIndex = index;
    documents.push({ index: docIndex, value, position: start, locate: (path) => locateIn(doc, path, position, start) });
  }
  return { documents, errors };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0]?.trim() ?? message;
  // The position is reported separately; yaml repeats it at the end of its messages.
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function locateIn(
  doc: Document.Parsed,
  path: readonly (string | number)[],
  position: (offset: number) => Position,
  fallback: Position,
): Position {
  let node: unknown = doc.contents;
  let found = fallback;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) found = position(keyRange[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!item) break;
      if ((isScalar(item) || isMap(item) || isSeq(item)) && item.range) found = position(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return found;
}
