import { z } from 'zod';
import { BUILT_IN_KINDS, envelopeSchema, genericSpecSchema, type Envelope } from './entity-schema.ts';

/** A field-level problem in one document: where (a path inside it) and what. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

/** A document that passed validation, in the envelope's shape with its spec checked. */
export interface ValidEntity extends Envelope {
  spec?: Record<string, unknown>;
}

export type ValidationResult = { ok: true; entity: ValidEntity } | { ok: false; issues: FieldIssue[] };

/** Options shared by the build and `playbill lint`. */
export interface ValidateOptions {
  /** Kinds accepted beyond the built-ins, rendered with a generic page. */
  extraKinds?: readonly string[];
}

/** The value at a path inside a document, or undefined. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Reflect.get(node, segment);
  }
  return node;
}

/** What a value is, in a descriptor author's words. */
function kindOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** An issue in words, read against the document itself (never against Zod's English). */
function describeIssue(issue: z.core.$ZodIssue, doc: unknown): FieldIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message:
        path.length === 0
          ? key === 'relations' || key === 'status'
            ? `is not allowed in a descriptor: ${key} is computed by the catalog`
            : `is not allowed at the top level: only apiVersion, kind, metadata and spec may be written; did you mean metadata.${key} or spec.${key}?`
          : 'is not an allowed field here',
    }));
  }
  if (issue.code === 'invalid_type') {
    const found = valueAt(doc, path);
    if (found === undefined) return [{ path, message: `is required (expected ${issue.expected})` }];
    return [{ path, message: `must be ${article(issue.expected)}, found ${kindOfValue(found)}` }];
  }
  return [{ path, message: issue.message }];
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object' || expected === 'record') return 'a mapping (key: value)';
  return `a ${expected}`;
}

function issuesOf(error: z.ZodError, doc: unknown, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.flatMap((issue) => describeIssue(issue, doc)).map((i) => ({ path: [...prefix, ...i.path], message: i.message }));
}

/**
 * Validates one parsed document the way a default Backstage catalog does: envelope and
 * field formats, then the spec schema of its kind. Collects every issue, never just the first.
 */
export function validateEntity(value: unknown, options: ValidateOptions = {}): ValidationResult {
  const shape = documentShape.safeParse(value);
  if (!shape.success) {
    return { ok: false, issues: [{ path: [], message: 'must be a mapping with apiVersion, kind, metadata and spec' }] };
  }
  const { kind, apiVersion, spec: rawSpec } = shape.data;
  const envelope = envelopeSchema.safeParse(value);
  const issues: FieldIssue[] = envelope.success ? [] : issuesOf(envelope.error, value);
  let spec: Record<string, unknown> | undefined;

  if (typeof kind === 'string') {
    const definition = BUILT_IN_KINDS[kind];
    const extra = options.extraKinds?.includes(kind) ?? false;
    if (definition) {
      if (typeof apiVersion === 'string' && !definition.apiVersions.includes(apiVersion)) {
        issues.push({
          path: ['apiVersion'],
          message: `kind ${kind} needs apiVersion ${definition.apiVersions.join(' or ')}, found "${apiVersion}"`,
        });
      }
      if (rawSpec === undefined) {
        issues.push({ path: ['spec'], message: `is required for kind ${kind}` });
      } else {
        const parsed = definition.spec.safeParse(rawSpec);
        if (parsed.success) spec = parsed.data;
        else issues.push(...issuesOf(parsed.error, rawSpec, ['spec']));
      }
    } else if (extra) {
      const parsed = genericSpecSchema.optional().safeParse(rawSpec);
      if (parsed.success) spec = parsed.data;
      else issues.push(...issuesOf(parsed.error, rawSpec, ['spec']));
    } else {
      const nearest = Object.keys(BUILT_IN_KINDS).find((k) => k.toLowerCase() === kind.toLowerCase());
      issues.push({
        path: ['kind'],
        message: nearest
          ? `unknown kind "${kind}": kinds are case-sensitive, did you mean "${nearest}"?`
          : `unknown kind "${kind}": a default catalog knows ${Object.keys(BUILT_IN_KINDS).join(', ')}; to accept it, add it to catalog.extraKinds in playbill.config.yaml`,
      });
    }
  }

  if (!envelope.success || issues.length > 0) return { ok: false, issues: dedupe(issues) };
  return { ok: true, entity: spec === undefined ? envelope.data : { ...envelope.data, spec } };
}

/** Just enough of a document to pick the kind's schema, before the envelope is known to be valid. */
const documentShape = z.looseObject({ kind: z.unknown(), apiVersion: z.unknown(), spec: z.unknown() });

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join('.')}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
