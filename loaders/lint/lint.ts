import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { buildCatalog } from '../catalog/build-catalog.ts';
import { buildPortalDocs } from '../docs/portal-docs.ts';
import { buildPortalTemplates } from '../templates/portal-templates.ts';
import { formatProblems, type ProblemFormat } from './report-format.ts';
import { sortProblems, type Problem } from '../problems.ts';
import { localSource, openLocalRepository } from '../sources/local.ts';
import type { Repository, Source } from '../sources/source.ts';

/** Options of `playbill lint`. */
export interface LintOptions {
  format: ProblemFormat;
  /** Kinds accepted beyond the built-ins. */
  extraKinds?: readonly string[];
  /** Leave out warnings about references to entities outside the linted files (normal in one repository). */
  ignoreMissingRefs?: boolean;
  /** Folder paths are shown relative to. */
  cwd?: string;
}

export interface LintResult {
  output: string;
  problems: Problem[];
  exitCode: 0 | 1;
}

/** A source that is exactly the given repositories. */
function fixedSource(id: string, repos: Repository[]): Source {
  return { id, listRepositories: async () => repos };
}

/**
 * Lints files and folders the way the build reads them:
 * - a file is read as a descriptor of the repository in the current folder;
 * - a folder with a `catalog-info.yaml` is one repository;
 * - any other folder holds one repository per sub-folder, like `content/`.
 */
export async function lint(paths: readonly string[], options: LintOptions): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const roots = new Map<string, string>();
  const sources: Source[] = [];
  const files: string[] = [];
  for (const input of paths.length ? paths : ['.']) {
    const full = resolve(cwd, input);
    if (!existsSync(full)) {
      sources.push(fixedSource(input, []));
      files.push(input);
      continue;
    }
    if (statSync(full).isFile()) {
      const inside = !relative(cwd, full).startsWith('..');
      const root = inside ? cwd : dirname(full);
      const name = basename(root);
      roots.set(name, root);
      sources.push(fixedSource(input, [await openLocalRepository(name, root, { catalogPaths: [relative(root, full).split('\\').join('/')] })]));
    } else if (existsSync(join(full, 'catalog-info.yaml'))) {
      const name = basename(full);
      roots.set(name, full);
      sources.push(fixedSource(input, [await openLocalRepository(name, full)]));
    } else {
      const source = localSource({ path: full });
      for (const repo of await source.listRepositories()) roots.set(repo.name, join(full, repo.name));
      sources.push(source);
    }
  }
  const catalog = await buildCatalog(sources, options.extraKinds ? { extraKinds: options.extraKinds } : {});
  // Docs are checked as the build renders them: mkdocs.yml, nav, broken links and images.
  const docs = await buildPortalDocs(catalog, { base: '/' });
  // Templates too: a template whose steps cannot run is an error in the build, so here as well.
  const templates = await buildPortalTemplates(catalog);
  // Problems with the paths themselves: missing, or holding nothing to check.
  const pathProblems: Problem[] = files.map((f) => ({ severity: 'error', repository: '', file: f, message: `${f} does not exist` }));
  // Paths that exist but hold no descriptor (a wrong folder, a descriptor under another
  // name) would otherwise pass with nothing checked.
  if (catalog.descriptors === 0 && catalog.problems.length === 0 && pathProblems.length === 0) {
    const where = (paths.length ? paths : ['.']).join(', ');
    pathProblems.push({ severity: 'error', repository: '', file: where, message: `no catalog-info.yaml found in ${where}: nothing was checked (give the descriptor's path, or a folder that holds it)` });
  }
  const problems = [...pathProblems, ...sortProblems([...catalog.problems, ...docs.problems, ...templates.problems])].filter(
    (p) => !(options.ignoreMissingRefs && p.code === 'dangling-ref'),
  );
  const pathOf = (p: Problem) => {
    const root = roots.get(p.repository);
    return root ? relative(cwd, join(root, p.file)) || p.file : p.file;
  };
  return {
    output: formatProblems(problems, options.format, pathOf),
    problems,
    exitCode: problems.some((p) => p.severity === 'error') ? 1 : 0,
  };
}
