import { z } from 'zod';
import { parseYamlDocuments, type ParsedDocument } from './parse.ts';
import { isAbsoluteUrl, resolveInRepository } from './repository-paths.ts';
import { resolvePlaceholders } from './placeholders.ts';
import { makeProblem, type Place, type Problem, type Severity } from '../problems.ts';
import { DEFAULT_NAMESPACE, parseEntityRef, stringifyEntityRef } from './refs.ts';
import { FileTooLargeError, PathEscapeError, type Repository } from '../sources/source.ts';
import { CODEOWNER_KINDS, codeOwnerOf } from './codeowners.ts';
import { validateEntity, valueAt, type ValidEntity, type ValidateOptions } from './validate.ts';

/** A valid entity and where it was written. */
export interface EntityRecord {
  entity: ValidEntity;
  /** `kind:namespace/name`, lowercased. */
  ref: string;
  repository: string;
  file: string;
  line: number;
  /** Where a field of this entity was written, for problems found later (refs, relations). */
  locate(path: readonly (string | number)[]): Place;
  viewUrl?: string;
  editUrl?: string;
  /** Last commit date of the descriptor file, when known. */
  lastModified?: string;
}

export interface CrawlResult {
  records: EntityRecord[];
  problems: Problem[];
  /** Descriptor files read, in order. */
  files: string[];
}

export type CrawlOptions = ValidateOptions;

/** Enough of a document to name it in a problem before it is known to be valid. */
const nameable = z.looseObject({
  kind: z.string().optional().catch(undefined),
  metadata: z
    .looseObject({ name: z.string().optional().catch(undefined), namespace: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

function refOfRaw(value: unknown): string | undefined {
  const parsed = nameable.safeParse(value);
  if (!parsed.success) return undefined;
  const { kind, metadata } = parsed.data;
  if (!kind || !metadata?.name) return undefined;
  return stringifyEntityRef({ kind, namespace: metadata.namespace ?? DEFAULT_NAMESPACE, name: metadata.name });
}

const locationSpec = z.looseObject({
  target: z.string().optional(),
  targets: z.array(z.string()).optional(),
  presence: z.enum(['required', 'optional']).optional(),
});

/** A Location target waiting to be read, and who asked for it. */
interface PendingFile {
  path: string;
  /** The Location that pointed here (absent for the repository's own catalog paths). */
  from?: { place: Place; optional: boolean; entityRef: string; field: string };
}

/**
 * Reads one repository's descriptors: its catalog files, every Location target they lead to
 * (relative, confined to the repository, cycles detected), placeholders resolved, each
 * document validated. Bad documents become problems; the rest are returned.
 */
export async function crawlRepository(repo: Repository, options: CrawlOptions = {}): Promise<CrawlResult> {
  const records: EntityRecord[] = [];
  const problems: Problem[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  const queue: PendingFile[] = repo.catalogPaths.map((path) => ({ path }));

  const placeOf = (file: string, line?: number, column?: number): Place => {
    const place: Place = { repository: repo.name, file };
    if (line !== undefined) place.line = line;
    if (column !== undefined) place.column = column;
    const url = repo.viewUrl(file, line);
    if (url !== undefined) place.url = url;
    return place;
  };
  const report = (severity: Severity, place: Place, message: string, extra: { entityRef?: string; field?: string } = {}) =>
    problems.push(makeProblem(severity, place, message, extra));

  while (queue.length > 0) {
    const next = queue.shift();
    if (!next) break;
    if (seen.has(next.path)) {
      if (next.from) {
        const { place, entityRef, field } = next.from;
        report('warning', place, `Location target ${next.path} was already read; this target is a cycle or a duplicate and is skipped`, { entityRef, field });
      }
      continue;
    }
    seen.add(next.path);

    let text: string | undefined;
    try {
      text = await repo.readFile(next.path);
    } catch (error) {
      const reason = error instanceof PathEscapeError || error instanceof FileTooLargeError ? error.message : String(error);
      report('error', next.from?.place ?? placeOf(next.path), `${next.path} could not be read: ${reason}`, next.from ? { entityRef: next.from.entityRef, field: next.from.field } : {});
      continue;
    }
    if (text === undefined) {
      // A repository without a descriptor is simply not in the catalog; a missing Location target is a problem.
      if (next.from && !next.from.optional) {
        const { place, entityRef, field } = next.from;
        report('error', place, `Location target ${next.path} does not exist; fix the path or mark the Location "presence: optional"`, { entityRef, field });
      }
      continue;
    }
    files.push(next.path);

    const parsed = parseYamlDocuments(text);
    for (const error of parsed.errors) report('error', placeOf(next.path, error.line, error.column), error.message);
    for (const doc of parsed.documents) {
      const record = await readDocument(repo, next.path, doc, options, placeOf, report);
      if (!record) continue;
      records.push(record);
      if (record.entity.kind === 'Location') queue.push(...(await locationTargets(repo, record, report)));
    }
  }
  return { records, problems, files };
}

/**
 * Fills in `spec.owner` from CODEOWNERS where the descriptor has none, as Backstage's
 * processor does; where both exist and name different owners, says so.
 */
async function withCodeOwner(repo: Repository, value: unknown, warn: (path: (string | number)[], message: string) => void): Promise<unknown> {
  const kind = valueAt(value, ['kind']);
  const spec = valueAt(value, ['spec']);
  if (typeof kind !== 'string' || !CODEOWNER_KINDS.has(kind) || spec === null || typeof spec !== 'object' || Array.isArray(spec) || value === null || typeof value !== 'object') return value;
  const owner = valueAt(spec, ['owner']);
  if (owner !== undefined && typeof owner !== 'string') return value;
  const found = await codeOwnerOf(repo);
  if (!found) return value;
  if (owner === undefined) return { ...value, spec: { ...spec, owner: found.owner } };
  let named: string;
  try {
    named = parseEntityRef(owner, { defaultKind: 'Group' }).name.toLowerCase();
  } catch {
    return value; // An invalid ref is reported by validation.
  }
  if (named !== found.owner.toLowerCase()) warn(['spec', 'owner'], `spec.owner is "${owner}" but ${found.file} names "${found.owner}" as the owner; make them agree`);
  return value;
}

async function readDocument(
  repo: Repository,
  file: string,
  doc: ParsedDocument,
  options: CrawlOptions,
  placeOf: (file: string, line?: number, column?: number) => Place,
  report: (severity: Severity, place: Place, message: string, extra?: { entityRef?: string; field?: string }) => void,
): Promise<EntityRecord | undefined> {
  const at = (path: readonly (string | number)[]) => {
    const { line, column } = doc.locate(path);
    return placeOf(file, line, column);
  };
  const rawRef = refOfRaw(doc.value);
  const extra = (path: readonly (string | number)[]) => ({
    ...(rawRef ? { entityRef: rawRef } : {}),
    ...(path.length ? { field: path.join('.') } : {}),
  });

  const resolved = await resolvePlaceholders(doc.value, { file, readFile: (p) => repo.readFile(p) });
  for (const issue of resolved.issues) report(issue.severity, at(issue.path), issue.message, extra(issue.path));
  if (resolved.issues.some((i) => i.severity === 'error')) return undefined;
  resolved.value = await withCodeOwner(repo, resolved.value, (path, message) => report('warning', at(path), message, extra(path)));

  const result = validateEntity(resolved.value, options);
  if (!result.ok) {
    for (const issue of result.issues) {
      const field = issue.path.join('.');
      const found = valueAt(resolved.value, issue.path);
      const shown = typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean' ? `, found ${JSON.stringify(found)}` : '';
      const quoted = shown === '' || issue.message.includes('found') || issue.message.includes(JSON.stringify(found));
      const message = `${field ? `${field} ${issue.message}` : `document ${issue.message}`}${quoted ? '' : shown}`;
      report('error', at(issue.path), message, extra(issue.path));
    }
    return undefined;
  }
  const entity = result.entity;
  const ref = stringifyEntityRef({
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
    name: entity.metadata.name,
  });
  const record: EntityRecord = { entity, ref, repository: repo.name, file, line: doc.position.line, locate: at };
  const viewUrl = repo.viewUrl(file, doc.position.line);
  const editUrl = repo.editUrl(file);
  if (viewUrl !== undefined) record.viewUrl = viewUrl;
  if (editUrl !== undefined) record.editUrl = editUrl;
  const lastModified = repo.lastModified(file);
  if (lastModified !== undefined) record.lastModified = lastModified;
  return record;
}

async function locationTargets(
  repo: Repository,
  record: EntityRecord,
  report: (severity: Severity, place: Place, message: string, extra?: { entityRef?: string; field?: string }) => void,
): Promise<PendingFile[]> {
  const spec = locationSpec.safeParse(record.entity.spec ?? {});
  if (!spec.success) return [];
  const optional = spec.data.presence === 'optional';
  const targets: { target: string; path: (string | number)[] }[] = [];
  if (spec.data.target) targets.push({ target: spec.data.target, path: ['spec', 'target'] });
  for (const [i, target] of (spec.data.targets ?? []).entries()) targets.push({ target, path: ['spec', 'targets', i] });

  const pending: PendingFile[] = [];
  for (const { target, path } of targets) {
    const place = record.locate(path);
    const extra = { entityRef: record.ref, field: path.join('.') };
    if (isAbsoluteUrl(target)) {
      report('warning', place, `Location target ${target} is outside this repository and is not followed; add that repository as a source instead`, extra);
      continue;
    }
    const resolved = resolveInRepository(record.file, target);
    if (resolved === undefined) {
      report('error', place, `Location target "${target}" leaves the repository; targets must stay inside it`, extra);
      continue;
    }
    if (resolved.includes('*')) {
      const matches = await expandGlob(repo, resolved);
      if (matches.length === 0 && !optional) report('warning', place, `Location target "${target}" matches no file`, extra);
      pending.push(...matches.map((m) => ({ path: m, from: { place, optional, ...extra } })));
      continue;
    }
    pending.push({ path: resolved, from: { place, optional, ...extra } });
  }
  return pending;
}

/** The value at a path inside plain data, or undefined. */

/** Expands `*` (within a folder) and `**` (any depth) in a repository path. */
export async function expandGlob(repo: Repository, pattern: string): Promise<string[]> {
  const segments = pattern.split('/');
  const results: string[] = [];
  const walk = async (dir: string, rest: string[]): Promise<void> => {
    const [head, ...tail] = rest;
    if (head === undefined) return;
    const entries = (await repo.listDirectory(dir)) ?? [];
    const prefix = dir === '' ? '' : `${dir}/`;
    if (head === '**') {
      await walk(dir, tail);
      for (const entry of entries) if (entry.endsWith('/')) await walk(prefix + entry.slice(0, -1), rest);
      return;
    }
    const matcher = new RegExp(`^${head.split('*').map(escapeRegExp).join('[^/]*')}$`);
    for (const entry of entries) {
      const isDir = entry.endsWith('/');
      const name = isDir ? entry.slice(0, -1) : entry;
      if (!matcher.test(name)) continue;
      if (tail.length === 0 && !isDir) results.push(prefix + name);
      else if (tail.length > 0 && isDir) await walk(prefix + name, tail);
    }
  };
  await walk('', segments);
  return [...new Set(results)].sort();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
