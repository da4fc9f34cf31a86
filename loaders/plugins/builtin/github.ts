import { z } from 'zod';
import { CODEOWNERS_LOCATIONS } from '../../catalog/codeowners.ts';
import { definePlugin, type PluginEntity } from '../api.ts';

/**
 * GitHub: for entities with `github.com/project-slug` (or crawled from GitHub), the latest
 * release, open pull requests and issues, the last commit on the default branch with its CI
 * status and last workflow runs, languages, license, branch protection, and whether the
 * repository has CODEOWNERS, SECURITY.md and a Dependabot or Renovate config. One GraphQL
 * query per 20 repositories, through the crawl's own client; cached by the repository's
 * commit, so an unchanged repository costs no request while its data is fresh.
 */
const SLUG = 'github.com/project-slug';
/** Repositories per GraphQL query. */
export const GITHUB_BATCH = 20;

const FILES = {
  codeowners: CODEOWNERS_LOCATIONS,
  security: ['SECURITY.md', '.github/SECURITY.md'],
  dependabot: ['.github/dependabot.yml', '.github/dependabot.yaml'],
  renovate: ['renovate.json', '.github/renovate.json', 'renovate.json5', '.renovaterc'],
} as const;
const ALL_FILES: readonly string[] = Object.values(FILES).flat();

const present = z.object({ __typename: z.string() }).nullable().optional();
const repositorySchema = z.object({
  url: z.string(),
  latestRelease: z.object({ name: z.string().nullable(), tagName: z.string(), publishedAt: z.string().nullable(), url: z.string() }).nullable(),
  pullRequests: z.object({ totalCount: z.number() }),
  issues: z.object({ totalCount: z.number() }),
  licenseInfo: z.object({ spdxId: z.string().nullable(), name: z.string() }).nullable(),
  languages: z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()) }),
  defaultBranchRef: z
    .object({
      name: z.string(),
      branchProtectionRule: z.object({ requiresApprovingReviews: z.boolean(), requiresStatusChecks: z.boolean() }).nullable(),
      target: z
        .object({
          oid: z.string().optional(),
          committedDate: z.string().optional(),
          messageHeadline: z.string().optional(),
          url: z.string().optional(),
          statusCheckRollup: z.object({ state: z.string() }).nullable().optional(),
          checkSuites: z
            .object({ nodes: z.array(z.object({ conclusion: z.string().nullable(), status: z.string(), workflowRun: z.object({ url: z.string(), workflow: z.object({ name: z.string() }) }).nullable() }).nullable()) })
            .optional(),
        })
        .nullable(),
    })
    .nullable(),
  ...Object.fromEntries(ALL_FILES.map((_, i) => [`f${i}`, present])),
});

/** What is kept per entity: only these fields reach a page. */
const dataSchema = z.object({
  url: z.string(),
  release: z.object({ name: z.string(), url: z.string(), publishedAt: z.string().optional() }).optional(),
  openPullRequests: z.number(),
  openIssues: z.number(),
  license: z.string().optional(),
  languages: z.array(z.string()),
  branch: z.string().optional(),
  lastCommit: z.object({ message: z.string(), date: z.string(), url: z.string().optional() }).optional(),
  ci: z.string().optional(),
  runs: z.array(z.object({ workflow: z.string(), conclusion: z.string(), url: z.string() })),
  protectedBranch: z.boolean(),
  files: z.object({ codeowners: z.boolean(), security: z.boolean(), dependabot: z.boolean(), renovate: z.boolean() }),
});
type GithubData = z.infer<typeof dataSchema>;

/** The repository an entity is about: its annotation, else the GitHub repository it was crawled from. */
export function slugOf(entity: PluginEntity): string | undefined {
  const annotated = entity.annotations[SLUG];
  if (annotated && /^[\w.-]+\/[\w.-]+$/.test(annotated)) return annotated;
  const crawled = entity.node.source.repository;
  return entity.commit && /^[\w.-]+\/[\w.-]+$/.test(crawled) ? crawled : undefined;
}

function repositoryFields(): string {
  const files = ALL_FILES.map((path, i) => `f${i}: object(expression: ${JSON.stringify(`HEAD:${path}`)}) { __typename }`).join(' ');
  return `url latestRelease { name tagName publishedAt url } pullRequests(states: OPEN) { totalCount } issues(states: OPEN) { totalCount }
    licenseInfo { spdxId name } languages(first: 5, orderBy: { field: SIZE, direction: DESC }) { nodes { name } }
    defaultBranchRef { name branchProtectionRule { requiresApprovingReviews requiresStatusChecks }
      target { ... on Commit { oid committedDate messageHeadline url statusCheckRollup { state }
        checkSuites(last: 5) { nodes { conclusion status workflowRun { url workflow { name } } } } } } }
    ${files}`;
}

function toData(repo: z.infer<typeof repositorySchema>): GithubData {
  const target = repo.defaultBranchRef?.target;
  const has = (paths: readonly string[]) => paths.some((p) => Boolean(Reflect.get(repo, `f${ALL_FILES.indexOf(p)}`)));
  return {
    url: repo.url,
    ...(repo.latestRelease ? { release: { name: repo.latestRelease.name ?? repo.latestRelease.tagName, url: repo.latestRelease.url, ...(repo.latestRelease.publishedAt ? { publishedAt: repo.latestRelease.publishedAt } : {}) } } : {}),
    openPullRequests: repo.pullRequests.totalCount,
    openIssues: repo.issues.totalCount,
    ...(repo.licenseInfo ? { license: repo.licenseInfo.spdxId ?? repo.licenseInfo.name } : {}),
    languages: repo.languages.nodes.flatMap((n) => (n ? [n.name] : [])),
    ...(repo.defaultBranchRef ? { branch: repo.defaultBranchRef.name } : {}),
    ...(target?.messageHeadline && target.committedDate ? { lastCommit: { message: target.messageHeadline, date: target.committedDate, ...(target.url ? { url: target.url } : {}) } } : {}),
    ...(target?.statusCheckRollup ? { ci: target.statusCheckRollup.state.toLowerCase() } : {}),
    runs: (target?.checkSuites?.nodes ?? []).flatMap((s) => (s?.workflowRun ? [{ workflow: s.workflowRun.workflow.name, conclusion: (s.conclusion ?? s.status).toLowerCase(), url: s.workflowRun.url }] : [])),
    protectedBranch: Boolean(repo.defaultBranchRef?.branchProtectionRule),
    files: { codeowners: has(FILES.codeowners), security: has(FILES.security), dependabot: has(FILES.dependabot), renovate: has(FILES.renovate) },
  };
}

const DAY = 24 * 60 * 60 * 1000;

export const github = definePlugin({
  name: 'github',
  options: z.strictObject({ webUrl: z.url().default('https://github.com') }),
  appliesTo: {},
  data: dataSchema,
  freshForSeconds: 60 * 60,
  cacheKey: (entity) => `${slugOf(entity) ?? ''}@${entity.commit ?? ''}`,
  async load(entities, { github: client }) {
    const found = new Map<string, GithubData>();
    if (!client) return found;
    const bySlug = new Map<string, PluginEntity[]>();
    for (const entity of entities) {
      const slug = slugOf(entity);
      if (slug) bySlug.set(slug, [...(bySlug.get(slug) ?? []), entity]);
    }
    const slugs = [...bySlug.keys()];
    for (let i = 0; i < slugs.length; i += GITHUB_BATCH) {
      const batch = slugs.slice(i, i + GITHUB_BATCH);
      const fields = repositoryFields();
      const query = `query { ${batch.map((slug, j) => {
        const [owner, name] = slug.split('/');
        return `r${j}: repository(owner: ${JSON.stringify(owner)}, name: ${JSON.stringify(name)}) { ${fields} }`;
      }).join('\n')} }`;
      const result = z.record(z.string(), repositorySchema.nullable()).parse(await client.graphql(query));
      batch.forEach((slug, j) => {
        const repo = result[`r${j}`];
        if (repo) for (const entity of bySlug.get(slug) ?? []) found.set(entity.node.ref, toData(repo));
      });
    }
    return found;
  },
  card(entity, data, options) {
    const slug = slugOf(entity);
    if (!slug) return undefined;
    const web = `${options.webUrl.replace(/\/$/, '')}/${slug}`;
    if (!data) return { title: 'GitHub', href: web, fields: [{ label: 'Repository', value: slug }], note: 'Releases, pull requests and CI need GITHUB_TOKEN (or a GitHub App) in the build\'s environment.' };
    const yesNo = (b: boolean) => (b ? 'yes' : 'no');
    return {
      title: 'GitHub',
      href: data.url,
      ...(data.ci ? { status: data.ci === 'success' ? 'ok' : data.ci === 'pending' || data.ci === 'expected' ? 'info' : 'error' } : {}),
      summary: data.ci ? `CI on ${data.branch ?? 'the default branch'}: ${data.ci}` : `Repository ${slug}`,
      fields: [
        ...(data.release ? [{ label: 'Latest release', value: `${data.release.name}${data.release.publishedAt ? ` (${data.release.publishedAt.slice(0, 10)})` : ''}`, href: data.release.url }] : []),
        { label: 'Open pull requests', value: String(data.openPullRequests), href: `${data.url}/pulls` },
        { label: 'Open issues', value: String(data.openIssues), href: `${data.url}/issues` },
        ...(data.lastCommit ? [{ label: 'Last commit', value: `${data.lastCommit.message} (${data.lastCommit.date.slice(0, 10)})`, ...(data.lastCommit.url ? { href: data.lastCommit.url } : {}) }] : []),
        ...(data.languages.length ? [{ label: 'Languages', value: data.languages.join(', ') }] : []),
        ...(data.license ? [{ label: 'License', value: data.license }] : []),
        { label: 'Branch protection', value: yesNo(data.protectedBranch) },
        { label: 'CODEOWNERS', value: yesNo(data.files.codeowners) },
        { label: 'SECURITY.md', value: yesNo(data.files.security) },
        { label: 'Dependency updates', value: data.files.dependabot ? 'Dependabot' : data.files.renovate ? 'Renovate' : 'none' },
      ],
      // The last runs stay on the card: a tab per repository would double the portal's pages.
      ...(data.runs.length ? { table: { columns: ['Workflow', 'Result'], rows: data.runs.map((r) => [{ value: r.workflow, href: r.url }, { value: r.conclusion }]) } } : {}),
    };
  },
  facts(_entity, data) {
    if (!data) return {};
    return {
      ...(data.ci ? { ciStatus: data.ci } : {}),
      ...(data.release?.publishedAt ? { releaseAgeDays: Math.floor((Date.now() - Date.parse(data.release.publishedAt)) / DAY) } : {}),
    };
  },
});
