import { z } from 'zod';

/** How bad a problem is: errors drop the entity (or file), warnings keep it. */
export const severitySchema = z.enum(['error', 'warning']);
export type Severity = z.infer<typeof severitySchema>;

/**
 * What kind of problem it is, for tools that act on some kinds only (e.g. `playbill lint
 * --ignore-missing-refs`). Problems without one are described by their message alone.
 */
export const problemCodeSchema = z.enum(['dangling-ref', 'invalid-ref', 'duplicate-entity', 'multiple-parents']);
export type ProblemCode = z.infer<typeof problemCodeSchema>;

/**
 * One thing wrong with the input, as written to `/api/catalog/problems.json`.
 * Every problem names where it is, so a reader can go and fix it.
 */
export const problemSchema = z.object({
  /** `error` drops what it is about; `warning` keeps it. */
  severity: severitySchema,
  /** Repository the file lives in, e.g. `payments-api` (local) or `acme/payments-api` (GitHub). */
  repository: z.string(),
  /** Path of the file inside the repository, POSIX separators. */
  file: z.string(),
  /** 1-based line, when the problem has a place in the file. */
  line: z.number().int().positive().optional(),
  /** 1-based column, when known. */
  column: z.number().int().positive().optional(),
  /** `kind:namespace/name` of the entity concerned, when known. */
  entityRef: z.string().optional(),
  /** Dotted field path inside the document, e.g. `spec.owner`, when the problem is about one field. */
  field: z.string().optional(),
  /** What kind of problem, where it has one. */
  code: problemCodeSchema.optional(),
  /** What is wrong and how to fix it. */
  message: z.string(),
  /** Link to the file (and line) on its source host, when known. */
  url: z.string().optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** Where in a repository something was found. */
export interface Place {
  repository: string;
  file: string;
  line?: number;
  column?: number;
  url?: string;
}

/** Builds a problem from its place and message, leaving unknown optional fields out. */
export function makeProblem(
  severity: Severity,
  place: Place,
  message: string,
  extra: { entityRef?: string; field?: string; code?: ProblemCode } = {},
): Problem {
  const problem: Problem = { severity, repository: place.repository, file: place.file, message };
  if (extra.code !== undefined) problem.code = extra.code;
  if (place.line !== undefined) problem.line = place.line;
  if (place.column !== undefined) problem.column = place.column;
  if (extra.entityRef !== undefined) problem.entityRef = extra.entityRef;
  if (extra.field !== undefined) problem.field = extra.field;
  if (place.url !== undefined) problem.url = place.url;
  return problem;
}

/** Stable order: repository, file, line, column, then message. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.repository.localeCompare(b.repository) ||
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.message.localeCompare(b.message),
  );
}

/** Counts errors and warnings. */
export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const p of problems) if (p.severity === 'error') errors++;
  return { errors, warnings: problems.length - errors };
}

/** The store id of the problem at `index` (in sorted order): `000000`, `000001`… so ids sort as the problems do. */
export function problemId(index: number): string {
  return String(index).padStart(6, '0');
}
