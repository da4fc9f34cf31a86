import { posix } from 'node:path';
import { expandGlob } from '../catalog/crawl.ts';
import { annotationOf, type CatalogNode } from '../catalog/graph.ts';
import { isAbsoluteUrl, resolveInRepository } from '../catalog/repository-paths.ts';
import { makeProblem, type Problem } from '../problems.ts';
import { docsUrl } from '../site-paths.ts';
import type { Repository } from '../sources/source.ts';
import type { CodeHighlighter } from './highlight.ts';
import type { DocsPage, DocsSite, EntityDocs, ResolvedNav } from './schema.ts';
import { renderSite, siteLinks, type SiteFile, type SiteRenderJob, type SiteRenderResult } from './render-site.ts';

export { slugOf, type DocsAsset } from './render-site.ts';
import { normaliseNav, parseMkdocs, type NavEntry } from './mkdocs.ts';
import { DocsCache } from './site-cache.ts';

export type { DocsPage, DocsSite, EntityDocs, ResolvedNav };

export interface DocsBuildOptions {
  /** Site base, e.g. `/` or `/portal/`. */
  base: string;
  /** Reuses a site's rendered output when none of its inputs changed. */
  cache?: DocsCache;
  highlighter: CodeHighlighter;
  /** All crawled repositories, to resolve `url:` techdocs refs. */
  repositories: readonly Repository[];
  /** Most files read from one entity's docs folder. Default 5,000. */
  maxFiles?: number;
  /** Deepest nav nesting kept. Default 10. */
  maxNavDepth?: number;
}

/** Where one entity's docs live: a repository and a folder inside it. */
export interface DocsLocation {
  repository: Repository;
  dir: string;
}

const TECHDOCS_REF = 'backstage.io/techdocs-ref';

/** `/docs/{namespace}/{kind}/{name}/` with the site base, lowercased like Backstage. */
export const docsRoot = docsUrl;

/** Finds where an entity's docs are, from `backstage.io/techdocs-ref`; problems when it points nowhere. */
export function locateDocs(node: CatalogNode, repo: Repository, repositories: readonly Repository[]): { location?: DocsLocation; problem?: Problem } {
  const ref = annotationOf(node.entity, TECHDOCS_REF);
  if (ref === undefined) return {};
  const place = { repository: node.source.repository, file: node.source.file, line: node.source.line };
  // Backstage's catalog does not validate annotation values: an unusable techdocs-ref is a
  // problem with the docs (they are not built), never with the entity, which is kept.
  const problem = (message: string) => ({ problem: makeProblem('warning', place, message, { entityRef: node.ref, field: `metadata.annotations.${TECHDOCS_REF}` }) });
  if (ref.startsWith('dir:')) {
    const dir = resolveInRepository(node.source.file, ref.slice(4).trim() || '.');
    if (dir === undefined) return problem(`${TECHDOCS_REF} "${ref}" leaves the repository; point it at a folder inside it`);
    return { location: { repository: repo, dir } };
  }
  if (ref.startsWith('url:')) {
    const url = ref.slice(4).trim();
    for (const candidate of repositories) {
      const view = candidate.viewUrl('');
      const root = view ? /^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\//.exec(view)?.[1] : undefined;
      if (!root || !url.toLowerCase().startsWith(`${root.toLowerCase()}`)) continue;
      const rest = url.slice(root.length).replace(/^\/(?:tree|blob)\/[^/]+\/?/, '').replace(/^\//, '');
      const dir = resolveInRepository('x', rest || '.');
      if (dir === undefined) return problem(`${TECHDOCS_REF} "${ref}" leaves the repository`);
      return { location: { repository: candidate, dir } };
    }
    return {
      problem: makeProblem('warning', place, `${TECHDOCS_REF} "${ref}" points at a repository this portal does not crawl; add it as a source, or use dir:`, {
        entityRef: node.ref,
      }),
    };
  }
  return problem(`${TECHDOCS_REF} "${ref}" is not a location Playbill can build docs from; use dir:<folder> (e.g. dir:.) or url:<repository URL>; the entity is kept, its docs are not built`);
}

/** The files under a folder, at most `limit`; `truncated` when there were more. */
async function listFiles(repo: Repository, dir: string, limit: number): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  let truncated = false;
  const walk = async (path: string): Promise<void> => {
    const entries = (await repo.listDirectory(path)) ?? [];
    for (const entry of entries) {
      if (files.length >= limit) {
        truncated = true;
        return;
      }
      const full = path === '' ? entry : `${path}/${entry}`;
      if (entry.endsWith('/')) {
        if (!entry.startsWith('.')) await walk(full.slice(0, -1));
      } else files.push(full);
    }
  };
  await walk(dir);
  return { files, truncated };
}

/**
 * Cuts a nav deeper than `maxDepth` (a hostile or generated mkdocs.yml can nest hundreds of
 * levels, which no reader can use and which would render as hundreds of nested lists).
 */
export function limitNavDepth(entries: readonly NavEntry[], maxDepth: number): { nav: NavEntry[]; cut: boolean } {
  let cut = false;
  const walk = (items: readonly NavEntry[], depth: number): NavEntry[] =>
    items.map((item) => {
      if (item.type !== 'section') return item;
      if (depth >= maxDepth) {
        cut = true;
        return { ...item, children: [] };
      }
      return { ...item, children: walk(item.children, depth + 1) };
    });
  return { nav: walk(entries, 1), cut };
}

interface CollectedSite {
  title?: string;
  files: SiteFile[];
  nav?: NavEntry[];
  editBase?: string;
}

/** How one site is read: where its pages go and where its problems are reported. */
interface CollectOptions {
  /** Prefix of the site's pages: '' for the entity's own site, `{site_name}/` for an `!include`d one. */
  prefix: string;
  /** How many `!include`s deep this site is. */
  depth: number;
  /** Most files read. */
  limit: number;
  report: (problem: Problem) => void;
  entityRef: string;
  /** Config files already read, to stop an `!include` cycle. */
  seen: Set<string>;
}

/**
 * A file's text, or undefined when it does not exist. A file that exists but cannot be read
 * (it leaves the repository through a link, or is over the size limit) is reported, never
 * taken silently for absent.
 */
async function readIfPresent(repo: Repository, path: string, options: Pick<CollectOptions, 'report' | 'entityRef'>): Promise<string | undefined> {
  try {
    return await repo.readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    options.report(makeProblem('warning', { repository: repo.name, file: path }, `could not be read: ${reason}`, { entityRef: options.entityRef }));
    return undefined;
  }
}

/** Joins repository paths, where '' is the root. */
const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);

/**
 * Reads one mkdocs site (and the sites it `!include`s, prefixed by their site_name, as the
 * monorepo plugin does): its config, its Markdown and asset files.
 */
async function collectSite(repo: Repository, dir: string, options: CollectOptions): Promise<CollectedSite> {
  const { prefix, depth, limit, report, entityRef } = options;
  // mkdocs.yaml wins over mkdocs.yml, as in MkDocs; each is read once.
  const yamlPath = join(dir, 'mkdocs.yaml');
  const yamlText = await readIfPresent(repo, yamlPath, options);
  const configPath = yamlText !== undefined ? yamlPath : join(dir, 'mkdocs.yml');
  options.seen.add(configPath);
  const text = yamlText ?? (await readIfPresent(repo, configPath, options));
  const { config, errors } = text === undefined ? { config: {}, errors: [] } : parseMkdocs(text);
  for (const e of errors) report(makeProblem('error', { repository: repo.name, file: configPath, line: e.line, column: e.column }, e.message, { entityRef }));

  const docsDir = resolveInRepository(configPath, config.docs_dir ?? 'docs');
  if (docsDir === undefined) {
    report(makeProblem('warning', { repository: repo.name, file: configPath }, `docs_dir "${config.docs_dir}" leaves the repository`, { entityRef }));
    return { files: [] };
  }
  const listed = await listFiles(repo, docsDir, limit);
  if (listed.truncated) {
    report(makeProblem('warning', { repository: repo.name, file: docsDir || '.' }, `the docs folder has more than ${limit} files; only the first ${limit} are read (limits.maxDocsFiles)`, { entityRef }));
  }
  const files: SiteFile[] = listed.files.map((repoPath) => ({
    docPath: prefix + repoPath.slice(docsDir === '' ? 0 : docsDir.length + 1),
    repoPath,
  }));
  const hasRootIndex = files.some((f) => f.docPath === `${prefix}index.md` || f.docPath.toLowerCase() === `${prefix}readme.md`);
  if (!hasRootIndex) {
    // TechDocs falls back to the README beside mkdocs.yml when docs/ has no index.
    const readme = ['README.md', 'readme.md', 'Readme.md'].map((n) => join(dir, n));
    for (const candidate of readme) {
      if ((await readIfPresent(repo, candidate, options)) !== undefined) {
        files.push({ docPath: `${prefix}index.md`, repoPath: candidate });
        break;
      }
    }
  }

  let nav: NavEntry[] | undefined;
  if (config.nav) {
    const expand = async (entries: NavEntry[]): Promise<NavEntry[]> => {
      const out: NavEntry[] = [];
      for (const entry of entries) {
        if (entry.type === 'page') out.push({ ...entry, docPath: prefix + entry.docPath });
        else if (entry.type === 'section') out.push({ ...entry, children: await expand(entry.children) });
        else if (entry.type === 'link') out.push(entry);
        else if (depth >= 3) report(makeProblem('warning', { repository: repo.name, file: configPath }, `!include ${entry.configPath} nests too deep; skipped`, { entityRef }));
        else {
          const target = resolveInRepository(configPath, entry.configPath);
          const targets = target === undefined ? [] : entry.wildcard ? await expandGlob(repo, target) : [target];
          if (targets.length === 0) {
            report(makeProblem('warning', { repository: repo.name, file: configPath }, `nav includes ${entry.configPath}, which does not exist inside the repository`, { entityRef }));
          }
          const sections: Extract<NavEntry, { type: 'section' }>[] = [];
          for (const sub of targets) {
            if (options.seen.has(sub)) {
              report(makeProblem('warning', { repository: repo.name, file: configPath }, `nav includes ${entry.configPath}, which is already part of this site (an !include cycle); skipped`, { entityRef }));
              continue;
            }
            const subDir = posix.dirname(sub) === '.' ? '' : posix.dirname(sub);
            const subText = await readIfPresent(repo, sub, options);
            const subName = subText === undefined ? undefined : parseMkdocs(subText).config.site_name;
            const subPrefix = `${prefix}${(subName ?? posix.basename(subDir)).replace(/^\/+|\/+$/g, '')}/`;
            const site = await collectSite(repo, subDir, { ...options, prefix: subPrefix, depth: depth + 1 });
            files.push(...site.files);
            sections.push({ type: 'section', title: site.title ?? subPrefix, children: site.nav ?? [] });
          }
          // A wildcard include with a title groups its sites under that title.
          if (entry.wildcard && entry.title) out.push({ type: 'section', title: entry.title, children: sections });
          else out.push(...(entry.wildcard ? sections : sections.map((s) => ({ ...s, title: entry.title ?? s.title }))));
        }
      }
      return out;
    };
    nav = await expand(normaliseNav(config.nav));
  } else {
    nav = autoNav(files.filter((f) => /\.md$/i.test(f.docPath)).map((f) => f.docPath), prefix);
  }
  const editBase = config.repo_url && config.edit_uri && isAbsoluteUrl(config.repo_url) ? `${config.repo_url.replace(/\/$/, '')}/${config.edit_uri.replace(/^\//, '')}` : undefined;
  return { ...(config.site_name ? { title: config.site_name } : {}), files, nav, ...(editBase ? { editBase } : {}) };
}

/** MkDocs' title for a page without a heading: from its file name, or its folder's for an index. */
export function fallbackTitle(docPath: string, siteTitle?: string): string {
  const stem = posix.basename(docPath).replace(/\.md$/i, '');
  const folder = posix.basename(posix.dirname(docPath));
  const name = /^(index|readme)$/i.test(stem) ? (folder === '.' ? (siteTitle ?? 'Home') : folder) : stem;
  const words = name.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A nav from the folder tree: index first, then pages, then folders as sections. */
export function autoNav(docPaths: readonly string[], prefix = ''): NavEntry[] {
  const here = docPaths.filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'));
  const folders = [...new Set(docPaths.filter((p) => p.startsWith(prefix) && p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length).split('/')[0] ?? ''))].sort();
  const isIndex = (p: string) => /^(index|readme)\.md$/i.test(posix.basename(p));
  const pages: NavEntry[] = [...here.filter(isIndex), ...here.filter((p) => !isIndex(p)).sort()].map((docPath) => ({ type: 'page', docPath }));
  const sections: NavEntry[] = folders.map((folder) => ({ type: 'section', title: folder.replace(/[-_]/g, ' '), children: autoNav(docPaths, `${prefix}${folder}/`) }));
  return [...pages, ...sections];
}

/** One entity's docs, either finished (reused from the cache, or nothing to render) or waiting for its Markdown to be rendered. */
export type PreparedDocs = { done: EntityDocs } | { job: SiteRenderJob; finish(rendered: SiteRenderResult): Promise<EntityDocs> };

/**
 * Builds one entity's docs: every Markdown file of its docs folder rendered (pages outside
 * the nav too), its nav resolved, its assets listed, every broken link a problem.
 */
export async function buildEntityDocs(node: CatalogNode, location: DocsLocation, options: DocsBuildOptions): Promise<EntityDocs> {
  const prepared = await prepareEntityDocs(node, location, options);
  return 'done' in prepared ? prepared.done : prepared.finish(await renderSite(prepared.job, options.highlighter));
}

/** What turning a rendered site into the entity's docs needs. */
interface FinishContext {
  node: CatalogNode;
  repo: Repository;
  dir: string;
  site: CollectedSite;
  links: ReturnType<typeof siteLinks>;
  report: (problem: Problem) => void;
}

/** The pages of a rendered site, with their problems reported and each page's title. */
function pagesOf(rendered: SiteRenderResult, { node, repo, site, links, report }: FinishContext): { pages: DocsPage[]; titles: Map<string, string> } {
  for (const { repoPath, message } of rendered.failed) {
    report(makeProblem('error', { repository: repo.name, file: repoPath }, `could not be rendered (${message}); the page is left out`, { entityRef: node.ref }));
  }
  const pages: DocsPage[] = [];
  const titles = new Map<string, string>();
  for (const { docPath, repoPath, rendered: page } of rendered.pages) {
    for (const p of page.problems) {
      const url = repo.viewUrl(repoPath, p.line);
      report(makeProblem('warning', { repository: repo.name, file: repoPath, ...(p.line ? { line: p.line } : {}), ...(p.column ? { column: p.column } : {}), ...(url ? { url } : {}) }, p.message, { entityRef: node.ref }));
    }
    const title = page.title ?? fallbackTitle(docPath, site.title);
    titles.set(docPath, title);
    const editUrl = site.editBase ? `${site.editBase.replace(/\/$/, '')}/${docPath}` : repo.editUrl(repoPath);
    const lastModified = repo.lastModified(repoPath);
    pages.push({
      entityRef: node.ref,
      slug: links.slugFor(docPath),
      url: links.urlOf(docPath),
      title,
      html: page.html,
      headings: page.headings,
      hasMermaid: page.hasMermaid,
      repository: repo.name,
      file: repoPath,
      ...(editUrl && isAbsoluteUrl(editUrl) ? { editUrl } : {}),
      ...(lastModified ? { lastModified } : {}),
    });
  }
  return { pages, titles };
}

/** The nav with every entry pointing at a built page, and the pages in nav order (for previous/next). */
function resolveNav(entries: readonly NavEntry[], titles: ReadonlyMap<string, string>, { node, repo, dir, links, report }: FinishContext): { nav: ResolvedNav[]; order: { title: string; url: string }[] } {
  const order: { title: string; url: string }[] = [];
  const resolve = (items: readonly NavEntry[]): ResolvedNav[] =>
    items.flatMap((entry): ResolvedNav[] => {
      if (entry.type === 'link') return [{ type: 'link', title: entry.title, url: entry.url }];
      if (entry.type === 'section') {
        const children = resolve(entry.children);
        return children.length ? [{ type: 'section', title: entry.title, children }] : [];
      }
      if (entry.type === 'include') return [];
      const hit = links.findPage(entry.docPath);
      if (!hit) {
        report(makeProblem('warning', { repository: repo.name, file: dir ? `${dir}/mkdocs.yml` : 'mkdocs.yml' }, `nav lists ${entry.docPath}, which does not exist in the docs folder`, { entityRef: node.ref }));
        return [];
      }
      const item = { title: entry.title ?? titles.get(hit) ?? hit, url: links.urlOf(hit) };
      if (!order.some((o) => o.url === item.url)) order.push(item);
      return [{ type: 'page', ...item }];
    });
  return { nav: resolve(entries), order };
}

/**
 * The reading half of `buildEntityDocs`: reads the site's files and, unless the cache holds
 * a site built from the same inputs, returns the rendering job (plain data, for a worker
 * thread) and how to turn its result into the entity's docs.
 */
export async function prepareEntityDocs(node: CatalogNode, location: DocsLocation, options: DocsBuildOptions): Promise<PreparedDocs> {
  const problems: Problem[] = [];
  const { repository: repo, dir } = location;
  const limit = options.maxFiles ?? 5000;
  const collected = await collectSite(repo, dir, { prefix: '', depth: 0, limit, report: (p) => problems.push(p), entityRef: node.ref, seen: new Set() });
  const maxNavDepth = options.maxNavDepth ?? 10;
  const limited = collected.nav ? limitNavDepth(collected.nav, maxNavDepth) : undefined;
  if (limited?.cut) {
    problems.push(makeProblem('warning', { repository: repo.name, file: join(dir, 'mkdocs.yml') }, `nav nests deeper than ${maxNavDepth} levels; deeper sections are left out of the menu (limits.maxNavDepth)`, { entityRef: node.ref }));
  }
  const site = limited ? { ...collected, nav: limited.nav } : collected;
  const root = docsRoot(options.base, node.ref);
  const markdown = site.files.filter((f) => /\.md$/i.test(f.docPath));
  if (markdown.length === 0) {
    problems.push(
      makeProblem('warning', { repository: node.source.repository, file: node.source.file, line: node.source.line }, `backstage.io/techdocs-ref points at ${dir || 'the repository root'}, which has no Markdown docs (expected mkdocs.yml and docs/index.md)`, {
        entityRef: node.ref,
      }),
    );
    return { done: { pages: [], assets: [], problems } };
  }
  // Everything the output depends on; when it matches a cached build, that output is reused.
  const texts = new Map<string, string | undefined>();
  const unreadable = new Map<string, string>();
  for (const file of markdown) {
    try {
      const text = await repo.readFile(file.repoPath);
      // A NUL byte never occurs in Markdown: this is a binary file with a .md name.
      if (text?.includes('\0')) unreadable.set(file.repoPath, 'it is a binary file (it contains NUL bytes), not Markdown; it is left out');
      // A byte-order mark is invisible in editors and would end up in the first heading.
      else texts.set(file.repoPath, text?.replace(/^\uFEFF/, ''));
    } catch (error) {
      unreadable.set(file.repoPath, error instanceof Error ? error.message : String(error));
    }
  }
  for (const [path, text] of texts) {
    if (text?.includes('\uFFFD')) {
      problems.push(makeProblem('warning', { repository: repo.name, file: path }, 'is not valid UTF-8: the bytes that are not are shown as \uFFFD; save the file as UTF-8', { entityRef: node.ref }));
    }
  }
  const key = options.cache
    ? DocsCache.key({
        ref: node.ref,
        title: node.entity.metadata['title'] ?? node.entity.metadata.name,
        base: options.base,
        repository: repo.name,
        dir,
        site,
        links: [repo.viewUrl('x'), repo.editUrl('x')],
        dates: markdown.map((f) => repo.lastModified(f.repoPath) ?? ''),
        texts: [...texts],
        unreadable: [...unreadable],
        problems,
      })
    : undefined;
  const cached = key ? await options.cache?.get(key) : undefined;
  if (cached) return { done: cached };

  for (const file of markdown) {
    const reason = unreadable.get(file.repoPath);
    if (reason !== undefined) problems.push(makeProblem('error', { repository: repo.name, file: file.repoPath }, `could not be read: ${reason}`, { entityRef: node.ref }));
  }
  const job: SiteRenderJob = {
    root,
    base: options.base,
    repository: repo.name,
    files: site.files.map(({ docPath, repoPath }) => ({ docPath, repoPath })),
    pages: markdown.flatMap((file) => {
      const text = texts.get(file.repoPath);
      return text === undefined ? [] : [{ docPath: file.docPath, repoPath: file.repoPath, text }];
    }),
  };

  const finish = async (rendered: SiteRenderResult): Promise<EntityDocs> => {
    const context: FinishContext = { node, repo, dir, site, links: siteLinks(site.files, root), report: (p) => problems.push(p) };
    const { pages, titles } = pagesOf(rendered, context);
    const { nav, order } = resolveNav(site.nav ?? [], titles, context);
    const title = site.title ?? node.entity.metadata.title ?? node.entity.metadata.name;
    const result: EntityDocs = {
      site: { entityRef: node.ref, title, url: root, nav, order, pageCount: pages.length, repository: repo.name },
      pages,
      assets: rendered.assets,
      problems,
    };
    if (key) await options.cache?.set(key, result);
    return result;
  };
  return { job, finish };
}
