import { posix } from 'node:path';
import { expandGlob } from '../crawl.ts';
import { annotationOf, type CatalogNode } from '../graph.ts';
import { isAbsoluteUrl, resolveInRepository } from '../paths.ts';
import { makeProblem, type Problem } from '../problems.ts';
import { parseEntityRef } from '../refs.ts';
import type { Repository } from '../sources/source.ts';
import type { CodeHighlighter } from './highlight.ts';
import { renderDocsPage, type TocEntry } from './markdown.ts';
import { normaliseNav, parseMkdocs, type NavEntry } from './mkdocs.ts';
import { DocsCache } from './docs-cache.ts';

/** A nav entry ready to render. */
export type ResolvedNav =
  | { type: 'page'; title: string; url: string }
  | { type: 'link'; title: string; url: string }
  | { type: 'section'; title: string; children: ResolvedNav[] };

/** One built docs page. */
export interface DocsPage {
  entityRef: string;
  /** Path under the entity's docs URL, `''` for the index, else ending in `/`. */
  slug: string;
  url: string;
  title: string;
  html: string;
  headings: TocEntry[];
  hasMermaid: boolean;
  repository: string;
  file: string;
  editUrl?: string;
  lastModified?: string;
}

/** One entity's docs site: its own nav, so a page never grows with the size of the portal. */
export interface DocsSite {
  entityRef: string;
  title: string;
  url: string;
  nav: ResolvedNav[];
  /** Pages in nav order, for previous/next. */
  order: { title: string; url: string }[];
  pageCount: number;
  repository: string;
}

/** A file to copy into the site, e.g. an image. */
export interface DocsAsset {
  /** Path under the site root, no leading slash, e.g. `docs/default/component/x/images/a.png`. */
  outPath: string;
  repository: string;
  file: string;
}

export interface EntityDocs {
  site?: DocsSite;
  pages: DocsPage[];
  assets: DocsAsset[];
  problems: Problem[];
}

export interface DocsBuildOptions {
  /** Site base, e.g. `/` or `/portal/`. */
  base: string;
  /** Reuses a site's rendered output when none of its inputs changed. */
  cache?: DocsCache;
  highlighter: CodeHighlighter;
  /** All crawled repositories, to resolve `url:` techdocs refs. */
  repositories: readonly Repository[];
  /** Most Markdown files read per entity. */
  maxPages?: number;
}

/** Where one entity's docs live: a repository and a folder inside it. */
export interface DocsLocation {
  repository: Repository;
  dir: string;
}

const TECHDOCS_REF = 'backstage.io/techdocs-ref';

/** `/docs/{namespace}/{kind}/{name}/` with the site base, lowercased like Backstage. */
export function docsRoot(base: string, ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  const part = (s: string) => encodeURIComponent(s.toLowerCase());
  return `${base.replace(/\/$/, '')}/docs/${part(namespace)}/${part(kind)}/${part(name)}/`;
}

/** MkDocs' directory URLs: `a/b.md` → `a/b/`, `a/index.md` and `a/README.md` → `a/`. */
export function slugOf(docPath: string, hasIndexSibling = false): string {
  const stem = docPath.replace(/\.md$/i, '');
  const base = posix.basename(stem);
  const dir = posix.dirname(stem);
  const folder = dir === '.' ? '' : `${dir}/`;
  if (base === 'index' || (base.toLowerCase() === 'readme' && !hasIndexSibling)) return folder;
  return `${folder}${base}/`;
}

/** Finds where an entity's docs are, from `backstage.io/techdocs-ref`; problems when it points nowhere. */
export function locateDocs(node: CatalogNode, repo: Repository, repositories: readonly Repository[]): { location?: DocsLocation; problem?: Problem } {
  const ref = annotationOf(node.entity, TECHDOCS_REF);
  if (ref === undefined) return {};
  const place = { repository: node.source.repository, file: node.source.file, line: node.source.line };
  const problem = (message: string) => ({ problem: makeProblem('error', place, message, { entityRef: node.ref, field: `metadata.annotations.${TECHDOCS_REF}` }) });
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
  return problem(`${TECHDOCS_REF} "${ref}" must start with dir: or url:`);
}

async function listFiles(repo: Repository, dir: string, limit: number): Promise<string[]> {
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const entries = (await repo.listDirectory(path)) ?? [];
    for (const entry of entries) {
      if (files.length >= limit) return;
      const full = path === '' ? entry : `${path}/${entry}`;
      if (entry.endsWith('/')) {
        if (!entry.startsWith('.')) await walk(full.slice(0, -1));
      } else files.push(full);
    }
  };
  await walk(dir);
  return files;
}

/** A file of the site: its path in the docs tree (after monorepo prefixes) and in the repository. */
interface SiteFile {
  docPath: string;
  repoPath: string;
}

interface CollectedSite {
  title?: string;
  files: SiteFile[];
  nav?: NavEntry[];
  editBase?: string;
}

/**
 * Reads one mkdocs site (and the sites it `!include`s, prefixed by their site_name, as the
 * monorepo plugin does): its config, its Markdown and asset files.
 */
async function collectSite(
  repo: Repository,
  dir: string,
  prefix: string,
  depth: number,
  limit: number,
  report: (problem: Problem) => void,
  entityRef: string,
): Promise<CollectedSite> {
  const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);
  // mkdocs.yaml wins over mkdocs.yml, as in MkDocs; each is read once.
  const yamlPath = join(dir, 'mkdocs.yaml');
  const yamlText = await repo.readFile(yamlPath).catch(() => undefined);
  const configPath = yamlText !== undefined ? yamlPath : join(dir, 'mkdocs.yml');
  const text = yamlText ?? (await repo.readFile(configPath).catch(() => undefined));
  const { config, errors } = text === undefined ? { config: {}, errors: [] } : parseMkdocs(text);
  for (const e of errors) report(makeProblem('error', { repository: repo.name, file: configPath, line: e.line, column: e.column }, e.message, { entityRef }));

  const docsDir = resolveInRepository(configPath, config.docs_dir ?? 'docs');
  if (docsDir === undefined) {
    report(makeProblem('error', { repository: repo.name, file: configPath }, `docs_dir "${config.docs_dir}" leaves the repository`, { entityRef }));
    return { files: [] };
  }
  const files: SiteFile[] = (await listFiles(repo, docsDir, limit)).map((repoPath) => ({
    docPath: prefix + repoPath.slice(docsDir === '' ? 0 : docsDir.length + 1),
    repoPath,
  }));
  const hasRootIndex = files.some((f) => f.docPath === `${prefix}index.md` || f.docPath.toLowerCase() === `${prefix}readme.md`);
  if (!hasRootIndex) {
    // TechDocs falls back to the README beside mkdocs.yml when docs/ has no index.
    const readme = ['README.md', 'readme.md', 'Readme.md'].map((n) => join(dir, n));
    for (const candidate of readme) {
      if ((await repo.readFile(candidate).catch(() => undefined)) !== undefined) {
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
            const subDir = posix.dirname(sub) === '.' ? '' : posix.dirname(sub);
            const subText = await repo.readFile(sub).catch(() => undefined);
            const subName = subText === undefined ? undefined : parseMkdocs(subText).config.site_name;
            const subPrefix = `${prefix}${(subName ?? posix.basename(subDir)).replace(/^\/+|\/+$/g, '')}/`;
            const site = await collectSite(repo, subDir, subPrefix, depth + 1, limit, report, entityRef);
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

/**
 * Builds one entity's docs: every Markdown file of its docs folder rendered (pages outside
 * the nav too), its nav resolved, its assets listed, every broken link a problem.
 */
export async function buildEntityDocs(node: CatalogNode, location: DocsLocation, options: DocsBuildOptions): Promise<EntityDocs> {
  const problems: Problem[] = [];
  const { repository: repo, dir } = location;
  const limit = options.maxPages ?? 5000;
  const site = await collectSite(repo, dir, '', 0, limit, (p) => problems.push(p), node.ref);
  const root = docsRoot(options.base, node.ref);
  const markdown = site.files.filter((f) => /\.md$/i.test(f.docPath));
  if (markdown.length === 0) {
    problems.push(
      makeProblem('error', { repository: node.source.repository, file: node.source.file, line: node.source.line }, `backstage.io/techdocs-ref points at ${dir || 'the repository root'}, which has no Markdown docs (expected mkdocs.yml and docs/index.md)`, {
        entityRef: node.ref,
      }),
    );
    return { pages: [], assets: [], problems };
  }
  // Everything the output depends on; when it matches a cached build, that output is reused.
  const texts = new Map<string, string | undefined>();
  const unreadable = new Map<string, string>();
  for (const file of markdown) {
    try {
      texts.set(file.repoPath, await repo.readFile(file.repoPath));
    } catch (error) {
      unreadable.set(file.repoPath, error instanceof Error ? error.message : String(error));
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
  if (cached) return cached;

  const byDocPath = new Map(site.files.map((f) => [f.docPath, f]));
  const lower = new Map(site.files.map((f) => [f.docPath.toLowerCase(), f.docPath]));
  const slugFor = (docPath: string) => slugOf(docPath, byDocPath.has(posix.join(posix.dirname(docPath), 'index.md')));
  const encode = (slug: string) => slug.split('/').map(encodeURIComponent).join('/');
  const urlOf = (docPath: string) => `${root}${encode(slugFor(docPath))}`;
  const assets = new Map<string, DocsAsset>();

  const findPage = (docPath: string): string | undefined => {
    const candidates = [docPath, docPath.replace(/index\.md$/i, 'README.md')];
    for (const c of candidates) {
      const hit = byDocPath.has(c) ? c : lower.get(c.toLowerCase());
      if (hit && /\.md$/i.test(hit)) return hit;
    }
    return undefined;
  };

  const repoPaths = new Map(site.files.map((f) => [f.repoPath, f.docPath]));
  const byRepoPath = (repoPath: string, page: boolean): string | undefined => {
    const hit = repoPaths.get(repoPath) ?? (page ? repoPaths.get(repoPath.replace(/index\.md$/i, 'README.md')) : undefined);
    return hit !== undefined && (!page || /\.md$/i.test(hit)) ? hit : undefined;
  };

  const pages: DocsPage[] = [];
  const titles = new Map<string, string>();
  for (const file of markdown) {
    const reason = unreadable.get(file.repoPath);
    if (reason !== undefined) {
      problems.push(makeProblem('error', { repository: repo.name, file: file.repoPath }, `could not be read: ${reason}`, { entityRef: node.ref }));
      continue;
    }
    const text = texts.get(file.repoPath);
    if (text === undefined) continue;
    const rendered = await renderDocsPage(text, { docPath: file.docPath, repoPath: file.repoPath }, {
      highlighter: options.highlighter,
      resolve: ({ docPath, repoPath, page }) => {
        const hit = (page ? findPage(docPath) : byDocPath.get(docPath)?.docPath) ?? (repoPath === undefined ? undefined : byRepoPath(repoPath, page));
        if (hit === undefined) return undefined;
        if (/\.md$/i.test(hit)) return urlOf(hit);
        const outPath = `${root}${encode(hit)}`.slice(options.base.length);
        const source = byDocPath.get(hit);
        if (source) assets.set(outPath, { outPath: decodeURIComponent(outPath), repository: repo.name, file: source.repoPath });
        return `${root}${encode(hit)}`;
      },
    });
    for (const p of rendered.problems) {
      problems.push(makeProblem('warning', { repository: repo.name, file: file.repoPath, ...(p.line ? { line: p.line } : {}), ...(p.column ? { column: p.column } : {}), ...(repo.viewUrl(file.repoPath, p.line) ? { url: repo.viewUrl(file.repoPath, p.line) } : {}) }, p.message, { entityRef: node.ref }));
    }
    const title = rendered.title ?? fallbackTitle(file.docPath, site.title);
    titles.set(file.docPath, title);
    const editUrl = site.editBase ? `${site.editBase.replace(/\/$/, '')}/${file.docPath}` : repo.editUrl(file.repoPath);
    const lastModified = repo.lastModified(file.repoPath);
    pages.push({
      entityRef: node.ref,
      slug: slugFor(file.docPath),
      url: urlOf(file.docPath),
      title,
      html: rendered.html,
      headings: rendered.headings,
      hasMermaid: rendered.hasMermaid,
      repository: repo.name,
      file: file.repoPath,
      ...(editUrl && isAbsoluteUrl(editUrl) ? { editUrl } : {}),
      ...(lastModified ? { lastModified } : {}),
    });
  }

  const order: { title: string; url: string }[] = [];
  const resolve = (entries: NavEntry[]): ResolvedNav[] =>
    entries.flatMap((entry): ResolvedNav[] => {
      if (entry.type === 'link') return [{ type: 'link', title: entry.title, url: entry.url }];
      if (entry.type === 'section') {
        const children = resolve(entry.children);
        return children.length ? [{ type: 'section', title: entry.title, children }] : [];
      }
      if (entry.type === 'include') return [];
      const hit = findPage(entry.docPath);
      if (!hit) {
        problems.push(makeProblem('warning', { repository: repo.name, file: dir ? `${dir}/mkdocs.yml` : 'mkdocs.yml' }, `nav lists ${entry.docPath}, which does not exist in the docs folder`, { entityRef: node.ref }));
        return [];
      }
      const item = { title: entry.title ?? titles.get(hit) ?? hit, url: urlOf(hit) };
      if (!order.some((o) => o.url === item.url)) order.push(item);
      return [{ type: 'page', ...item }];
    });
  const nav = resolve(site.nav ?? []);
  const title = site.title ?? (typeof node.entity.metadata['title'] === 'string' ? node.entity.metadata['title'] : node.entity.metadata.name);
  const result: EntityDocs = {
    site: { entityRef: node.ref, title, url: root, nav, order, pageCount: pages.length, repository: repo.name },
    pages,
    assets: [...assets.values()],
    problems,
  };
  if (key) await options.cache?.set(key, result);
  return result;
}
