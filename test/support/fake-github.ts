/**
 * A fake GitHub on 127.0.0.1 for tests: the REST and GraphQL shapes Playbill's crawl uses,
 * backed by fixture repositories. GraphQL queries are executed by graphql-js against a
 * subset of GitHub's schema, so a query GitHub would reject fails here too.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSchema, graphql } from 'graphql';
import * as tar from 'tar';

export interface FakeRepo {
  name: string;
  /** Path -> content. */
  files: Record<string, string>;
  visibility?: 'PUBLIC' | 'PRIVATE' | 'INTERNAL';
  fork?: boolean;
  archived?: boolean;
  topics?: string[];
  defaultBranch?: string;
  /** What the GitHub plugin reads; absent fields read as GitHub answers for a quiet repository. */
  activity?: {
    release?: { name: string; tagName: string; publishedAt: string };
    openPullRequests?: number;
    openIssues?: number;
    license?: string;
    languages?: string[];
    ci?: 'SUCCESS' | 'FAILURE' | 'PENDING' | 'ERROR';
    runs?: { workflow: string; conclusion: 'SUCCESS' | 'FAILURE' }[];
    protectedBranch?: boolean;
  };
}

/** A canned failure for one request. */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  message?: string;
  /** Never answer (the connection stays open until the client gives up or the server closes). */
  hang?: boolean;
}

export interface FakeGithubOptions {
  org: string;
  token: string;
  repos: FakeRepo[];
  teams?: { slug: string; name: string; description?: string; parent?: string; members: string[] }[];
  members?: { login: string; name?: string; email?: string }[];
  /** Fail the n-th GraphQL request (1-based) with this, or pass. */
  graphqlFault?: (n: number) => Fault | undefined;
  /** Fail the n-th tarball request of a repository, or pass. */
  tarballFault?: (repo: string, n: number) => Fault | undefined;
}

export interface FakeGithub {
  apiUrl: string;
  /** Every request: method and path (query string included). */
  requests: { method: string; path: string }[];
  /** API requests only (GraphQL and REST), not the codeload downloads they redirect to. */
  apiRequests(): number;
  setRepos(repos: FakeRepo[]): void;
  /** Changes the canned failures of a running server. */
  setFaults(faults: Pick<FakeGithubOptions, 'graphqlFault' | 'tarballFault'>): void;
  close(): Promise<void>;
}

const SCHEMA = buildSchema(`
  type Query {
    organization(login: String!): Organization
    repository(owner: String!, name: String!): Repository
    rateLimit: RateLimit
  }
  enum PullRequestState { OPEN CLOSED MERGED }
  enum IssueState { OPEN CLOSED }
  enum LanguageOrderField { SIZE }
  input LanguageOrder { field: LanguageOrderField! direction: OrderDirection! }
  type Release { name: String tagName: String! publishedAt: String url: String! }
  type CountConnection { totalCount: Int! }
  type License { spdxId: String name: String! }
  type Language { name: String! }
  type LanguageConnection { nodes: [Language] }
  type StatusCheckRollup { state: String! }
  type Workflow { name: String! }
  type WorkflowRun { url: String! workflow: Workflow! }
  type CheckSuite { conclusion: String status: String! workflowRun: WorkflowRun }
  type CheckSuiteConnection { nodes: [CheckSuite] }
  type BranchProtectionRule { requiresApprovingReviews: Boolean! requiresStatusChecks: Boolean! }
  type RateLimit { limit: Int! cost: Int! remaining: Int! resetAt: String! }
  enum RepositoryOrderField { CREATED_AT UPDATED_AT PUSHED_AT NAME STARGAZERS }
  enum OrderDirection { ASC DESC }
  input RepositoryOrder { field: RepositoryOrderField! direction: OrderDirection! }
  enum RepositoryVisibility { PRIVATE PUBLIC INTERNAL }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Organization {
    login: String!
    repositories(first: Int, after: String, orderBy: RepositoryOrder): RepositoryConnection!
    teams(first: Int, after: String): TeamConnection!
    membersWithRole(first: Int, after: String): OrganizationMemberConnection!
  }
  enum TeamMembershipType { IMMEDIATE CHILD_TEAM ALL }
  type Team {
    slug: String!
    name: String!
    description: String
    avatarUrl: String
    parentTeam: Team
    members(first: Int, membership: TeamMembershipType): TeamMemberConnection!
  }
  type TeamConnection { pageInfo: PageInfo! nodes: [Team] }
  type TeamMemberConnection { nodes: [User] }
  type User { login: String! name: String email: String avatarUrl: String }
  type OrganizationMemberConnection { pageInfo: PageInfo! nodes: [User] }
  type RepositoryConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Repository] }
  type Topic { name: String! }
  type RepositoryTopic { topic: Topic! }
  type RepositoryTopicConnection { nodes: [RepositoryTopic] }
  interface GitObject { oid: String! }
  type Blob implements GitObject { oid: String! text: String byteSize: Int! isTruncated: Boolean! }
  type Commit implements GitObject {
    oid: String!
    committedDate: String!
    messageHeadline: String!
    url: String!
    statusCheckRollup: StatusCheckRollup
    checkSuites(last: Int): CheckSuiteConnection
  }
  type Ref { name: String! target: GitObject branchProtectionRule: BranchProtectionRule }
  type Repository {
    name: String!
    nameWithOwner: String!
    isPrivate: Boolean!
    visibility: RepositoryVisibility!
    isArchived: Boolean!
    isFork: Boolean!
    repositoryTopics(first: Int): RepositoryTopicConnection!
    defaultBranchRef: Ref
    ref(qualifiedName: String!): Ref
    object(expression: String!): GitObject
    url: String!
    latestRelease: Release
    pullRequests(states: [PullRequestState!]): CountConnection!
    issues(states: [IssueState!]): CountConnection!
    licenseInfo: License
    languages(first: Int, orderBy: LanguageOrder): LanguageConnection!
  }
`);

/** A commit id that changes whenever a file changes, as a real one would. */
export function commitOf(repo: FakeRepo): string {
  const hash = createHash('sha1');
  for (const path of Object.keys(repo.files).sort()) hash.update(`${path}\0${repo.files[path]}\0`);
  return hash.digest('hex');
}

export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  let repos = options.repos;
  let faults: Pick<FakeGithubOptions, 'graphqlFault' | 'tarballFault'> = options;
  const requests: { method: string; path: string }[] = [];
  let graphqlCount = 0;
  const tarballCounts = new Map<string, number>();
  let remaining = 5000;
  const work = await mkdtemp(join(tmpdir(), 'fake-github-'));

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    remaining = Math.max(0, remaining - 1);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'X-RateLimit-Limit': '5000',
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Used': String(5000 - remaining),
      'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 3600),
      'X-RateLimit-Resource': 'core',
      'X-GitHub-Request-Id': createHash('md5').update(String(requests.length)).digest('hex').slice(0, 16),
      ...headers,
    });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const fail = (res: ServerResponse, fault: Fault) =>
    fault.hang ? undefined : send(res, fault.status, { message: fault.message ?? 'Server Error', documentation_url: 'https://docs.github.com/rest' }, fault.headers);

  /** One page of a list, with GitHub's cursor semantics. */
  function paged<T>(items: T[], first = 30, after?: string) {
    const start = after ? Number(Buffer.from(after, 'base64').toString()) + 1 : 0;
    const slice = items.slice(start, start + Math.min(first, 100));
    const end = start + slice.length - 1;
    return { pageInfo: { hasNextPage: end < items.length - 1, endCursor: slice.length ? Buffer.from(String(end)).toString('base64') : null }, nodes: slice };
  }
  const team = (t: NonNullable<FakeGithubOptions['teams']>[number]): Record<string, unknown> => ({
    slug: t.slug,
    name: t.name,
    description: t.description ?? null,
    avatarUrl: null,
    parentTeam: () => {
      const parent = options.teams?.find((p) => p.slug === t.parent);
      return parent ? team(parent) : null;
    },
    members: () => ({ nodes: t.members.map((login) => ({ login })) }),
  });

  /** One repository as GitHub's GraphQL API shows it. */
  const repositoryNode = (repo: FakeRepo) => {
    const sha = commitOf(repo);
    const branch = repo.defaultBranch ?? 'main';
    const activity = repo.activity ?? {};
    const web = `https://github.example/${options.org}/${repo.name}`;
    const commit = {
      __typename: 'Commit',
      oid: sha,
      committedDate: '2026-11-20T10:00:00Z',
      messageHeadline: `Update ${repo.name}`,
      url: `${web}/commit/${sha}`,
      statusCheckRollup: activity.ci ? { state: activity.ci } : null,
      checkSuites: () => ({ nodes: (activity.runs ?? []).map((r, i) => ({ conclusion: r.conclusion, status: 'COMPLETED', workflowRun: { url: `${web}/actions/runs/${i + 1}`, workflow: { name: r.workflow } } })) }),
    };
    return {
      url: web,
      latestRelease: activity.release ? { ...activity.release, url: `${web}/releases/tag/${activity.release.tagName}` } : null,
      pullRequests: () => ({ totalCount: activity.openPullRequests ?? 0 }),
      issues: () => ({ totalCount: activity.openIssues ?? 0 }),
      licenseInfo: activity.license ? { spdxId: activity.license, name: activity.license } : null,
      languages: () => ({ nodes: (activity.languages ?? []).map((name) => ({ name })) }),
      name: repo.name,
      nameWithOwner: `${options.org}/${repo.name}`,
      isPrivate: (repo.visibility ?? 'PUBLIC') !== 'PUBLIC',
      visibility: repo.visibility ?? 'PUBLIC',
      isArchived: repo.archived ?? false,
      isFork: repo.fork ?? false,
      repositoryTopics: () => ({ nodes: (repo.topics ?? []).map((name) => ({ topic: { name } })) }),
      defaultBranchRef: { name: branch, target: commit, branchProtectionRule: activity.protectedBranch ? { requiresApprovingReviews: true, requiresStatusChecks: true } : null },
      ref: ({ qualifiedName }: { qualifiedName: string }) => (qualifiedName === `refs/heads/${branch}` ? { name: branch, target: commit } : null),
      object: ({ expression }: { expression: string }) => {
        const [ref, path = ''] = expression.split(':', 2);
        if (ref !== 'HEAD' && ref !== branch) return null;
        const text = repo.files[path];
        return text === undefined ? null : { __typename: 'Blob', oid: createHash('sha1').update(text).digest('hex'), text, byteSize: text.length, isTruncated: false };
      },
    };
  };

  const rootValue = {
    rateLimit: () => ({ limit: 5000, cost: 1, remaining, resetAt: new Date(Date.now() + 3600_000).toISOString() }),
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = owner === options.org ? repos.find((r) => r.name === name) : undefined;
      return repo ? repositoryNode(repo) : null;
    },
    organization: ({ login }: { login: string }) => {
      if (login !== options.org) return null;
      return {
        login,
        teams: ({ first, after }: { first?: number; after?: string }) => paged((options.teams ?? []).map(team), first, after),
        membersWithRole: ({ first, after }: { first?: number; after?: string }) =>
          paged((options.members ?? []).map((m) => ({ login: m.login, name: m.name ?? null, email: m.email ?? null, avatarUrl: null })), first, after),
        repositories: ({ first = 30, after }: { first?: number; after?: string }) => {
          const sorted = [...repos].sort((a, b) => a.name.localeCompare(b.name));
          const start = after ? Number(Buffer.from(after, 'base64').toString()) + 1 : 0;
          const slice = sorted.slice(start, start + Math.min(first, 100));
          const end = start + slice.length - 1;
          return {
            totalCount: sorted.length,
            pageInfo: { hasNextPage: end < sorted.length - 1, endCursor: slice.length ? Buffer.from(String(end)).toString('base64') : null },
            nodes: slice.map(repositoryNode),
          };
        },
      };
    },
  };

  const authorised = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    return header === `token ${options.token}` || header === `bearer ${options.token}` || header === `Bearer ${options.token}`;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));

    const codeload = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([0-9a-f]+)$/.exec(url.pathname);
    if (codeload) {
      const repo = repos.find((r) => r.name === codeload[2]);
      if (!repo || commitOf(repo) !== codeload[3]) return send(res, 404, { message: 'Not Found' });
      const dir = join(work, `${repo.name}-${codeload[3]}`);
      const top = `${options.org}-${repo.name}-${codeload[3].slice(0, 7)}`;
      await rm(dir, { recursive: true, force: true });
      for (const [path, text] of Object.entries(repo.files)) {
        await mkdir(dirname(join(dir, top, path)), { recursive: true });
        await writeFile(join(dir, top, path), text);
      }
      res.writeHead(200, { 'Content-Type': 'application/x-gzip' });
      tar.c({ gzip: true, cwd: dir }, [top]).pipe(res);
      return;
    }
    if (!authorised(req)) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });

    if (req.method === 'POST' && url.pathname === '/api/graphql') {
      graphqlCount++;
      const fault = faults.graphqlFault?.(graphqlCount);
      if (fault) return fail(res, fault);
      const { query, variables } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const result = await graphql({ schema: SCHEMA, source: query, variableValues: variables, rootValue });
      return send(res, 200, result);
    }
    const tarball = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/tarball\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && tarball) {
      const [, owner, name, ref] = tarball;
      const n = (tarballCounts.get(name ?? '') ?? 0) + 1;
      tarballCounts.set(name ?? '', n);
      const fault = faults.tarballFault?.(name ?? '', n);
      if (fault) return fail(res, fault);
      const repo = repos.find((r) => r.name === name);
      if (owner !== options.org || !repo) return send(res, 404, { message: 'Not Found' });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      return send(res, 302, '', { Location: `http://127.0.0.1:${port}/_codeload/${owner}/${name}/legacy.tar.gz/${ref}` });
    }
    return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    requests,
    apiRequests: () => requests.filter((r) => !r.path.startsWith('/_codeload/')).length,
    setRepos: (next) => {
      repos = next;
    },
    setFaults: (next) => {
      faults = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Reads a local folder of repositories (like content/) into fake repositories. */
export async function reposFromFolder(folder: string): Promise<FakeRepo[]> {
  const out: FakeRepo[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const files: Record<string, string> = {};
    for (const file of await readdir(join(folder, entry.name), { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const full = join(file.parentPath, file.name);
      files[full.slice(join(folder, entry.name).length + 1)] = await readFile(full, 'utf8');
    }
    out.push({ name: entry.name, files });
  }
  return out;
}
