import { parse as parseYaml } from 'yaml';
import { isAbsoluteUrl, resolveInRepository } from './repository-paths.ts';
import { FileTooLargeError, PathEscapeError } from '../sources/source.ts';

/** A placeholder that could not be resolved, at its path inside the document. */
export interface PlaceholderIssue {
  path: (string | number)[];
  severity: 'error' | 'warning';
  message: string;
}

/** What placeholder resolution needs from the repository. */
export interface PlaceholderContext {
  /** Repository-relative path of the descriptor; targets resolve against its folder. */
  file: string;
  /** Reads a repository file; undefined when missing. May throw PathEscapeError or FileTooLargeError. */
  readFile(path: string): Promise<string | undefined>;
}

const RESOLVERS = {
  $text: (text: string): unknown => text,
  $json: (text: string): unknown => JSON.parse(text),
  $yaml: (text: string): unknown => parseYaml(text, { maxAliasCount: 100 }),
} as const;

function isResolverKey(key: string): key is keyof typeof RESOLVERS {
  return Object.hasOwn(RESOLVERS, key);
}

/**
 * Replaces `{ $text | $json | $yaml: target }` objects with the target's content, as Backstage
 * does. Targets are read relative to the descriptor and never leave the repository. Other
 * `$`-keys (such as JSON Schema's `$ref`) are left alone. URLs are not fetched at build time:
 * `$text` keeps the URL as its value and a warning says so.
 */
export async function resolvePlaceholders(
  value: unknown,
  context: PlaceholderContext,
): Promise<{ value: unknown; issues: PlaceholderIssue[] }> {
  const issues: PlaceholderIssue[] = [];
  const visit = async (node: unknown, path: (string | number)[]): Promise<unknown> => {
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const [i, item] of node.entries()) out.push(await visit(item, [...path, i]));
      return out;
    }
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    const placeholderKeys = entries.map(([k]) => k).filter(isResolverKey);
    if (placeholderKeys.length === 0) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) out[k] = await visit(v, [...path, k]);
      return out;
    }
    if (entries.length !== 1) {
      issues.push({ path, severity: 'error', message: `a placeholder (${placeholderKeys.join(', ')}) must be the only key of its mapping` });
      return node;
    }
    const [key, target] = entries[0] ?? [];
    if (key === undefined || !isResolverKey(key)) return node;
    if (typeof target !== 'string' || target.length === 0) {
      issues.push({ path: [...path, key], severity: 'error', message: `${key} needs a file path or URL as its value` });
      return node;
    }
    if (isAbsoluteUrl(target)) {
      issues.push({
        path: [...path, key],
        severity: 'warning',
        message: `${key} points at ${target}, which is not fetched at build time; put the file in the repository and use a relative path to have it rendered`,
      });
      return key === '$text' ? target : {};
    }
    const resolved = resolveInRepository(context.file, target);
    if (resolved === undefined) {
      issues.push({ path: [...path, key], severity: 'error', message: `${key} target "${target}" leaves the repository; use a path inside it` });
      return node;
    }
    let text: string | undefined;
    try {
      text = await context.readFile(resolved);
    } catch (error) {
      const reason = error instanceof PathEscapeError || error instanceof FileTooLargeError ? error.message : String(error);
      issues.push({ path: [...path, key], severity: 'error', message: `${key} target "${target}" could not be read: ${reason}` });
      return node;
    }
    if (text === undefined) {
      issues.push({ path: [...path, key], severity: 'error', message: `${key} target "${target}" does not exist (looked for ${resolved})` });
      return node;
    }
    try {
      return RESOLVERS[key](text);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      issues.push({ path: [...path, key], severity: 'error', message: `${key} target "${target}" is not valid ${key.slice(1).toUpperCase()}: ${reason}` });
      return node;
    }
  };
  const out = await visit(value, []);
  return { value: out, issues };
}
