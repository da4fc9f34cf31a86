import { readCacheFile, writeCacheFile } from '../cache-files.ts';
import { cacheLayout } from '../cache-layout.ts';
import type { Logger } from '../logger.ts';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { App, Octokit } from 'octokit';
import * as tar from 'tar';
import Bottleneck from 'bottleneck';
import { z } from 'zod';
import { makeProblem, type Problem } from '../problems.ts';
import { openLocalRepository } from './local.ts';
import { memoryRepository } from './memory.ts';
import { stringify } from 'yaml';
import type { Repository, Source } from './source.ts';

/** One GitHub organisation to crawl, as `sources[].github` in playbill.config.yaml. */
export const githubSourceSchema = z.strictObject({
  /** Organisation login, e.g. `acme`. */
  org: z.string().min(1),
  /** REST API root: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  apiUrl: z.url().default('https://api.github.com'),
  /** Descriptor file(s) in each repository. */
  catalogPath: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default('catalog-info.yaml'),
  /** Branch to read; default each repository's default branch. */
  branch: z.string().min(1).optional(),
  /** Only repositories whose name matches this glob (`*` matches any run of characters), e.g. `service-*`. */
  repositories: z.string().min(1).optional(),
  topics: z
    .strictObject({
      /** Keep only repositories with at least one of these topics. */
      include: z.array(z.string()).default([]),
      /** Drop repositories with any of these topics. */
      exclude: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** Crawl forks too. */
  forks: z.boolean().default(false),
  /** Crawl archived repositories too. */
  archived: z.boolean().default(false),
  /** Which repositories may be published. Public only by default: the portal is usually a public website. */
  visibility: z.array(z.enum(['public', 'internal', 'private'])).min(1).default(['public']),
  /** Also import the organisation's teams and members as Group and User entities. */
  importOrg: z.boolean().default(false),
  /**
   * Most seconds one build spends waiting on GitHub: rate limits (primary and secondary) and
   * retries of server errors. Past it, what could not be fetched keeps its last good content
   * and the build finishes instead of hanging until the limit resets.
   */
  maxWaitSeconds: z.number().int().nonnegative().default(120),
});
export type GithubSourceConfig = z.infer<typeof githubSourceSchema>;

/** Tuning for tests and odd networks; the defaults suit github.com. */
export interface GithubSourceOptions {
  config: GithubSourceConfig;
  /** Folder for downloaded repositories and the crawl state (CI keeps it between builds). */
  cacheDir: string;
  /** Environment to read credentials from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Milliseconds a retry-after second stands for (tests shorten it). */
  retryUnitMs?: number;
  /** Largest tarball accepted, in bytes. */
  maxTarballBytes?: number;
  /** Largest file read from a downloaded repository, in bytes. */
  maxFileBytes?: number;
  /** Cancels every request still waiting for GitHub. */
  signal?: AbortSignal;
  /** How long one API request may wait for GitHub's answer (tarballs: at least 10 minutes). */
  requestTimeoutMs?: number;
}

const repositorySchema = z.object({
  name: z.string(),
  isPrivate: z.boolean(),
  visibility: z.enum(['PUBLIC', 'INTERNAL', 'PRIVATE']),
  isArchived: z.boolean(),
  isFork: z.boolean(),
  repositoryTopics: z.object({ nodes: z.array(z.object({ topic: z.object({ name: z.string() }) })) }),
  defaultBranchRef: z.object({ name: z.string(), target: z.object({ oid: z.string().optional(), committedDate: z.string().optional() }).nullable() }).nullable(),
  ref: z.object({ name: z.string(), target: z.object({ oid: z.string().optional(), committedDate: z.string().optional() }).nullable() }).nullable().optional(),
  descriptors: z.array(z.object({ oid: z.string().optional() }).nullable()).optional(),
});
const pageSchema = z.object({
  organization: z
    .object({
      repositories: z.object({
        totalCount: z.number(),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        nodes: z.array(z.record(z.string(), z.unknown())),
      }),
    })
    .nullable(),
  rateLimit: z.object({ remaining: z.number(), cost: z.number() }).nullable().optional(),
});
const stateSchema = z.object({
  repos: z.record(z.string(), z.object({ sha: z.string(), committedDate: z.string().optional(), branch: z.string() })),
  /** The digest of the teams and members imported (importOrg), when they were. */
  org: z.string().optional(),
  /** True when the crawl got everything it listed: nothing kept from an older build. */
  complete: z.boolean().optional(),
});
type CrawlState = z.infer<typeof stateSchema>;

/** The web origin of an API URL: api.github.com → github.com, https://HOST/api/v3 → https://HOST. */
export function webOrigin(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.protocol}//${url.host}`;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

function repositoriesQuery(paths: readonly string[], branch: string | undefined): string {
  const ref = branch ? JSON.stringify(`refs/heads/${branch}`) : undefined;
  const expr = (path: string) => JSON.stringify(`${branch ?? 'HEAD'}:${path}`);
  return `query PlaybillRepositories($org: String!, $after: String) {
  rateLimit { remaining cost }
  organization(login: $org) {
    repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        name isPrivate visibility isArchived isFork
        repositoryTopics(first: 20) { nodes { topic { name } } }
        defaultBranchRef { name target { oid ... on Commit { committedDate } } }
        ${ref ? `ref(qualifiedName: ${ref}) { name target { oid ... on Commit { committedDate } } }` : ''}
        ${paths.map((p, i) => `d${i}: object(expression: ${expr(p)}) { oid }`).join('\n        ')}
      }
    }
  }
}`;
}

const ORG_QUERY = `query PlaybillOrg($org: String!, $teamsAfter: String, $membersAfter: String) {
  organization(login: $org) {
    teams(first: 100, after: $teamsAfter) {
      pageInfo { hasNextPage endCursor }
      nodes { slug name description avatarUrl parentTeam { slug } members(first: 100, membership: IMMEDIATE) { nodes { login } } }
    }
    membersWithRole(first: 100, after: $membersAfter) {
      pageInfo { hasNextPage endCursor }
      nodes { login name email avatarUrl }
    }
  }
}`;
const connection = <T extends z.ZodType>(node: T) =>
  z.object({ pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }), nodes: z.array(node) });
const teamSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  avatarUrl: z.string().nullable().optional(),
  parentTeam: z.object({ slug: z.string() }).nullable(),
  members: z.object({ nodes: z.array(z.object({ login: z.string() })) }),
});
const memberSchema = z.object({ login: z.string(), name: z.string().nullable(), email: z.string().nullable(), avatarUrl: z.string().nullable().optional() });
const orgPageSchema = z.object({
  organization: z.object({ teams: connection(teamSchema), membersWithRole: connection(memberSchema) }).nullable(),
});

/**
 * The organisation's teams and members as Group and User descriptors, named as Backstage's
 * GitHub org provider names them: users by login, groups by team slug. (The first 100
 * direct members of each team are listed.)
 */
async function importOrganisation(client: Octokit, org: string): Promise<string> {
  const teams: z.infer<typeof teamSchema>[] = [];
  const members: z.infer<typeof memberSchema>[] = [];
  // Both lists page independently; once one is done, later pages of it are ignored.
  let teamsAfter: string | null = null;
  let membersAfter: string | null = null;
  let teamsDone = false;
  let membersDone = false;
  while (!teamsDone || !membersDone) {
    const raw: unknown = await client.graphql(ORG_QUERY, { org, teamsAfter, membersAfter });
    const page = orgPageSchema.parse(raw).organization;
    if (!page) throw new Error(`organisation "${org}" not found`);
    if (!teamsDone) {
      teams.push(...page.teams.nodes);
      teamsAfter = page.teams.pageInfo.endCursor;
      teamsDone = !page.teams.pageInfo.hasNextPage;
    }
    if (!membersDone) {
      members.push(...page.membersWithRole.nodes);
      membersAfter = page.membersWithRole.pageInfo.endCursor;
      membersDone = !page.membersWithRole.pageInfo.hasNextPage;
    }
  }
  const docs: unknown[] = [];
  for (const team of teams) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: team.slug, ...(team.description ? { description: team.description } : {}), annotations: { 'github.com/team-slug': `${org}/${team.slug}` } },
      spec: {
        type: 'team',
        profile: { displayName: team.name, ...(team.avatarUrl ? { picture: team.avatarUrl } : {}) },
        ...(team.parentTeam ? { parent: team.parentTeam.slug } : {}),
        children: [],
        members: team.members.nodes.map((m) => m.login),
      },
    });
  }
  for (const member of members) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: member.login, annotations: { 'github.com/user-login': member.login } },
      spec: {
        profile: { ...(member.name ? { displayName: member.name } : {}), ...(member.email ? { email: member.email } : {}), ...(member.avatarUrl ? { picture: member.avatarUrl } : {}) },
        memberOf: [],
      },
    });
  }
  return docs.map((d) => stringify(d)).join('---\n');
}

/** A repository the crawl takes: its name and the commit it is at. */
interface ListedRepository {
  name: string;
  sha: string;
  branch: string;
  committedDate?: string;
}

/**
 * The organisation's repositories this source takes (by visibility, forks, archived, name and
 * topics, with a descriptor at a catalog path) and their HEAD commit: one GraphQL query per
 * 100 repositories. `onPage` hears how many are taken so far, of how many in all.
 */
async function listOrganisation(client: Octokit, config: GithubSourceConfig, onPage?: (count: number, total: number) => void): Promise<ListedRepository[]> {
  const paths = [config.catalogPath].flat();
  const listed: ListedRepository[] = [];
  const nameFilter = config.repositories ? globToRegExp(config.repositories) : undefined;
  let after: string | null = null;
  do {
    const raw: unknown = await client.graphql(repositoriesQuery(paths, config.branch), { org: config.org, after });
    const page = pageSchema.parse(raw);
    if (!page.organization) throw new Error(`organisation "${config.org}" not found or not visible to these credentials`);
    const total = page.organization.repositories.totalCount;
    for (const node of page.organization.repositories.nodes) {
      // The query names each descriptor lookup d0, d1…, one per catalog path.
      const repo = repositorySchema.safeParse({ ...node, descriptors: paths.map((_, i) => node[`d${i}`] ?? null) });
      if (!repo.success) continue;
      const r = repo.data;
      const topics = r.repositoryTopics.nodes.map((n) => n.topic.name);
      if (!config.visibility.some((v) => v.toUpperCase() === r.visibility)) continue;
      if (r.isFork && !config.forks) continue;
      if (r.isArchived && !config.archived) continue;
      if (nameFilter && !nameFilter.test(r.name)) continue;
      if (config.topics.include.length && !topics.some((t) => config.topics.include.includes(t))) continue;
      if (topics.some((t) => config.topics.exclude.includes(t))) continue;
      const ref = config.branch ? r.ref : r.defaultBranchRef;
      const sha = ref?.target?.oid;
      // No branch, or no descriptor at any catalog path: not in the catalog.
      if (!ref || !sha || !(r.descriptors ?? []).some((d) => d?.oid)) continue;
      listed.push({ name: r.name, sha, branch: ref.name, ...(ref.target?.committedDate ? { committedDate: ref.target.committedDate } : {}) });
    }
    after = page.organization.repositories.pageInfo.hasNextPage ? page.organization.repositories.pageInfo.endCursor : null;
    onPage?.(Math.min(total, listed.length), total);
  } while (after);
  return listed;
}

/** Where a source's crawl state is kept: its repositories' commits, as last downloaded. */
export function crawlStateFile(options: GithubSourceOptions): string {
  return join(cacheLayout(options.cacheDir).github(new URL(options.config.apiUrl).host, options.config.org), 'state.json');
}

/** The digest of the teams and members imported, as the crawl state records it. */
function orgDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Whether the last crawl of a GitHub source is what it would crawl now (every repository
 * taken at the same commit, and the same teams and members when imported), asked of GitHub
 * without downloading anything: one query per 100 repositories. If not (GitHub moved on, or
 * the last crawl kept something older), why. It never waits on a rate limit: the build that
 * follows does, within its own limit, nor longer than `timeoutMs` in all.
 */
export async function githubCrawlCurrent(options: GithubSourceOptions, timeoutMs = 60_000): Promise<{ current: true } | { current: false; why: string }> {
  const { config } = options;
  const id = `github:${config.org}`;
  const last = await readCacheFile(crawlStateFile(options), stateSchema);
  if (last?.complete !== true) return { current: false, why: `the last crawl of ${id} did not get everything it listed` };
  // A GitHub that does not answer must not hold the build up: the build asks again anyway.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const client = await createClient({ ...options, config: { ...config, maxWaitSeconds: 0 }, signal }, () => {});
    const listed = await listOrganisation(client, config);
    const org = config.importOrg ? orgDigest(await importOrganisation(client, config.org)) : undefined;
    const names = new Set(listed.map((r) => r.name));
    const changed = [
      ...listed.filter((r) => { const was = last.repos[r.name]; return was?.sha !== r.sha || was.branch !== r.branch || was.committedDate !== r.committedDate; }).map((r) => r.name),
      ...Object.keys(last.repos).filter((name) => !names.has(name)),
    ];
    if (changed.length > 0) return { current: false, why: `${changed.length} ${changed.length === 1 ? 'repository' : 'repositories'} of ${id} changed since the last build (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''})` };
    if (org !== last.org) return { current: false, why: `the teams or members of ${id} changed since the last build` };
    return { current: true };
  } catch (error) {
    if (signal.aborted) return { current: false, why: `could not ask GitHub what changed in ${id} (no answer within ${timeoutMs / 1000} s)` };
    return { current: false, why: `could not ask GitHub what changed in ${id} (${explain(error)})` };
  }
}

/** Thrown for requests not made because the build's wait budget is spent. */
export class WaitBudgetError extends Error {}

/**
 * How long one build may wait on GitHub, shared by every request of a source. A wait that
 * would overrun it is not taken; once it is spent, requests fail at once (with when the limit
 * resets, where GitHub said), so a build never hangs for an hour.
 */
class WaitBudget {
  private spentMs = 0;
  private reason: string | undefined;
  private readonly limitMs: number;
  private readonly unitMs: number;
  constructor(limitMs: number, unitMs: number) {
    this.limitMs = limitMs;
    this.unitMs = unitMs;
  }

  /** Asks to wait `seconds` (in GitHub's seconds); false, and the budget closes, when it would overrun. */
  take(seconds: number, why: string): boolean {
    const ms = seconds * this.unitMs;
    if (this.reason === undefined && this.spentMs + ms <= this.limitMs) {
      this.spentMs += ms;
      return true;
    }
    const resets = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    this.reason ??= `${why}; it resets at ${resets}, past this build's wait limit (maxWaitSeconds: ${this.limitMs / this.unitMs})`;
    return false;
  }

  /** Counts time spent retrying server errors; closes the budget when it runs out. */
  spend(ms: number, why: string): void {
    this.spentMs += ms;
    if (this.spentMs > this.limitMs) this.reason ??= `${why} for longer than this build's wait limit (maxWaitSeconds: ${this.limitMs / this.unitMs})`;
  }

  /** Why requests are no longer made, once the budget is spent. */
  get closed(): string | undefined {
    return this.reason;
  }
}

/** Creates the one Octokit client: token or GitHub App, with throttling, retries and a wait budget. */
function createClient(options: GithubSourceOptions, onResponse: (headers: Record<string, string | number | undefined>) => void): Promise<Octokit> | Octokit {
  const env = options.env ?? process.env;
  const unit = options.retryUnitMs ?? 1000;
  const budget = new WaitBudget(options.config.maxWaitSeconds * unit, unit);
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  // A tarball comes whole in one response: up to 200 MB.
  const tarballTimeoutMs = Math.max(requestTimeoutMs, 10 * 60_000);
  // Each attempt has a time limit (a GitHub that accepts a request and never answers must not
  // hold the build up); retries and waits on rate limits fall outside it.
  const timedFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const timeout = AbortSignal.timeout(url.includes('/tarball/') ? tarballTimeoutMs : requestTimeoutMs);
    return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
  const base = {
    baseUrl: options.config.apiUrl.replace(/\/$/, ''),
    request: { fetch: timedFetch, ...(options.signal ? { signal: options.signal } : {}) },
    retry: { retryAfterBaseValue: unit },
    throttle: {
      retryAfterBaseValue: unit,
      fallbackSecondaryRateRetryAfter: 60,
      // This client only reads. Octokit paces every GraphQL request like a write (one a
      // second, as GitHub asks of mutations); read queries need only to run one at a time,
      // which GitHub asks to avoid secondary rate limits. At 1,000 repositories that is 50
      // queries for the GitHub plugin: 50 s paced, about 3 s one at a time.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      onRateLimit: (after: number, _request: unknown, _client: unknown, retryCount: number) => {
        if (retryCount >= 3 || !budget.take(after, 'GitHub rate limit reached')) {
          options.logger?.warn(`GitHub rate limit reached; not waiting ${after} s (${budget.closed ?? 'retried 3 times'}); keeping the last good content of what is not fetched`);
          return false;
        }
        options.logger?.warn(`GitHub rate limit reached; waiting ${after} s (retry ${retryCount + 1} of 3)`);
        return true;
      },
      onSecondaryRateLimit: (after: number, _request: unknown, _client: unknown, retryCount: number) => {
        if (retryCount >= 3 || !budget.take(after, 'GitHub asked to slow down (secondary rate limit)')) {
          options.logger?.warn(`GitHub asked to slow down; not waiting ${after} s (${budget.closed ?? 'retried 3 times'})`);
          return false;
        }
        options.logger?.warn(`GitHub asked to slow down; waiting ${after} s (retry ${retryCount + 1} of 3)`);
        return true;
      },
    },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  };
  const Client = Octokit.defaults(base);
  const hook = (client: Octokit) => {
    client.hook.after('request', (response) => onResponse(response.headers));
    // Once the budget is spent, fail at once; count the time server errors cost in retries.
    client.hook.wrap('request', async (request, requestOptions) => {
      const closed = budget.closed;
      if (closed) throw new WaitBudgetError(`not fetched: ${closed}`);
      const started = Date.now();
      try {
        return await request(requestOptions);
      } catch (error) {
        const status = z.object({ status: z.number() }).safeParse(error);
        if (status.success && status.data.status >= 500) budget.spend(Date.now() - started, `GitHub answered ${status.data.status}`);
        // A rate limit not waited out: say when it resets.
        const closedNow = budget.closed;
        if (closedNow && status.success && (status.data.status === 403 || status.data.status === 429)) throw new WaitBudgetError(`not fetched: ${closedNow}`);
        throw error;
      }
    });
    return client;
  };
  const appId = env.PLAYBILL_GITHUB_APP_ID;
  const privateKey = env.PLAYBILL_GITHUB_APP_PRIVATE_KEY;
  if (appId && privateKey) {
    // Installation tokens last an hour; the App client renews them as needed.
    const app = new App({ appId, privateKey: privateKey.replace(/\\n/g, '\n'), Octokit: Client });
    return (async () => {
      const installation = env.PLAYBILL_GITHUB_APP_INSTALLATION_ID
        ? Number(env.PLAYBILL_GITHUB_APP_INSTALLATION_ID)
        : (await app.octokit.request('GET /orgs/{org}/installation', { org: options.config.org })).data.id;
      return hook(await app.getInstallationOctokit(installation));
    })();
  }
  const token = env.GITHUB_TOKEN;
  return hook(new Client(token ? { auth: token } : {}));
}

/** The GraphQL side of the client the crawl uses, for plugins: same credentials, throttling, retries and wait budget. */
export interface GithubGraphql {
  graphql(query: string, variables?: Record<string, unknown>): Promise<unknown>;
  /** Requests made so far. */
  requests(): number;
}

/** A GraphQL client for plugins, or undefined when the environment has no GitHub credentials. */
export function githubGraphql(options: GithubSourceOptions): GithubGraphql | undefined {
  const env = options.env ?? process.env;
  if (!env.GITHUB_TOKEN && !(env.PLAYBILL_GITHUB_APP_ID && env.PLAYBILL_GITHUB_APP_PRIVATE_KEY)) return undefined;
  let requests = 0;
  const client = createClient(options, () => requests++);
  return {
    graphql: async (query, variables = {}) => (await client).graphql(query, variables),
    requests: () => requests,
  };
}

/** A readable explanation of a failed request, never including credentials. */
function explain(error: unknown): string {
  const status = z.object({ status: z.number() }).safeParse(error);
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (/aborted due to timeout/.test(message)) return 'GitHub did not answer in time';
  if (status.success && status.data.status === 401) return 'GitHub rejected the credentials (401): check GITHUB_TOKEN or the GitHub App settings';
  if (status.success && status.data.status === 404) return 'not found (404): check the organisation name and that the token can see it';
  return status.success ? `GitHub answered ${status.data.status}: ${message}` : message;
}

/**
 * Every repository of a GitHub organisation, read cheaply: one GraphQL query per 100
 * repositories returns their HEAD commits and whether they have a descriptor, and only a
 * repository whose commit changed since the last build is downloaded (one tarball). A rebuild
 * with nothing changed costs one request per 100 repositories.
 */
export function githubSource(options: GithubSourceOptions): Source & { problems: Problem[]; requests: () => number } {
  const { config } = options;
  const paths = [config.catalogPath].flat();
  const origin = webOrigin(config.apiUrl);
  const stateFile = crawlStateFile(options);
  const root = dirname(stateFile);
  const problems: Problem[] = [];
  let requests = 0;
  let rateLeft: string | undefined;
  const id = `github:${config.org}`;

  const readState = async (): Promise<CrawlState> => (await readCacheFile(stateFile, stateSchema)) ?? { repos: {} };

  const open = (name: string, sha: string, branch: string, committedDate?: string) =>
    openLocalRepository(`${config.org}/${name}`, join(root, 'repos', name), {
      catalogPaths: paths,
      ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
      commit: sha,
      urlTemplate: `${origin}/${config.org}/${encodeURIComponent(name)}/blob/${sha}/{path}`,
      editUrlTemplate: `${origin}/${config.org}/${encodeURIComponent(name)}/edit/${encodeURIComponent(branch)}/{path}`,
      // One date per repository: the crawled commit's (per-file dates would cost a request each).
      ...(committedDate ? { defaultDate: committedDate } : {}),
    });

  return {
    id,
    problems,
    requests: () => requests,
    async listRepositories() {
      const state = await readState();
      const next: CrawlState = { repos: {}, complete: true };
      const client = await createClient(options, (headers) => {
        requests++;
        const remaining = headers['x-ratelimit-remaining'];
        if (remaining !== undefined) rateLeft = String(remaining);
      });
      const place = (repo: string) => ({ repository: `${config.org}/${repo}`, file: '' });

      // 1. List repositories, their HEAD commit and whether they have a descriptor.
      let listed: ListedRepository[];
      try {
        listed = await listOrganisation(client, config, (count, total) => {
          options.logger?.info(`${id}: listed ${count} of ${total} repositories with descriptors so far; ${requests} requests; rate limit left: ${rateLeft ?? 'unknown'}`);
        });
      } catch (error) {
        const cached = Object.keys(state.repos);
        if (cached.length === 0) throw new Error(`${id}: could not list repositories: ${explain(error)}`);
        problems.push(makeProblem('error', { repository: config.org, file: '' }, `could not list repositories (${explain(error)}); showing the ${cached.length} repositories from the last good build`));
        // What this build shows is older than GitHub: the next build must not take it as current.
        await writeCacheFile(stateFile, { ...state, complete: false } satisfies CrawlState);
        const repos = [];
        for (const [name, entry] of Object.entries(state.repos)) repos.push(await open(name, entry.sha, entry.branch, entry.committedDate));
        return repos;
      }

      // 2. Download what changed; keep the rest from the cache.
      const repositories: Repository[] = [];
      if (config.importOrg) {
        try {
          const text = await importOrganisation(client, config.org);
          next.org = orgDigest(text);
          repositories.push(memoryRepository(`${config.org} (teams and members)`, { 'org.yaml': text }, ['org.yaml']));
        } catch (error) {
          problems.push(makeProblem('error', { repository: config.org, file: '' }, `could not import teams and members: ${explain(error)}`));
          next.complete = false;
        }
      }
      let downloaded = 0;
      for (const repo of listed) {
        const previous = state.repos[repo.name];
        const dir = join(root, 'repos', repo.name);
        if (previous?.sha !== repo.sha) {
          try {
            await downloadTarball(client, config.org, repo.name, repo.sha, dir, options.maxTarballBytes ?? 200 * 1024 * 1024);
            downloaded++;
          } catch (error) {
            if (previous) {
              next.complete = false;
              problems.push(makeProblem('warning', place(repo.name), `could not download commit ${repo.sha.slice(0, 7)} (${explain(error)}); showing commit ${previous.sha.slice(0, 7)} from the last good build`));
              next.repos[repo.name] = previous;
              repositories.push(await open(repo.name, previous.sha, previous.branch, previous.committedDate));
            } else {
              next.complete = false;
              problems.push(makeProblem('error', place(repo.name), `could not download the repository (${explain(error)}); it is left out of this build`));
            }
            continue;
          }
        }
        next.repos[repo.name] = { sha: repo.sha, branch: repo.branch, ...(repo.committedDate ? { committedDate: repo.committedDate } : {}) };
        repositories.push(await open(repo.name, repo.sha, repo.branch, repo.committedDate));
      }
      // Repositories that disappeared or lost their descriptor drop out, cache and all.
      for (const name of Object.keys(state.repos)) if (!next.repos[name]) await rm(join(root, 'repos', name), { recursive: true, force: true });
      await writeCacheFile(stateFile, next);
      options.logger?.info(`${id}: ${repositories.length} repositories, ${downloaded} downloaded, ${requests} requests; rate limit left: ${rateLeft ?? 'unknown'}`);
      return repositories;
    },
  };
}

/** Downloads one commit as a tarball and unpacks it in place of the old copy. Links are never unpacked. */
async function downloadTarball(client: Octokit, owner: string, repo: string, sha: string, dir: string, maxBytes: number): Promise<void> {
  const response = await client.request('GET /repos/{owner}/{repo}/tarball/{ref}', { owner, repo, ref: sha });
  const body: unknown = response.data;
  // Binary content comes back whole (streaming it through the client lost chunks now and then).
  if (!(body instanceof ArrayBuffer)) throw new Error('unexpected tarball response');
  if (body.byteLength > maxBytes) throw new Error(`tarball is ${body.byteLength} bytes, over the ${maxBytes}-byte limit`);
  const staging = `${dir}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await pipeline(
    Readable.from([Buffer.from(body)]),
    tar.x({
      cwd: staging,
      strip: 1,
      // Only files and folders: symbolic and hard links could point outside the repository.
      filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory'),
    }),
  );
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
}
