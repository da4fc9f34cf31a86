import { Octokit } from 'octokit';
import { z } from 'zod';
import { publishTarget } from './publish-plan.ts';
import type { Publisher } from './run-template.ts';
import type { Workspace } from './fetch-actions.ts';
import { normalizeRelative } from '../catalog/repository-paths.ts';

/**
 * `publish:github` and `publish:github:pull-request` for the CLI's `--publish`, through GitHub's
 * REST API (no git binary needed): the same inputs as Backstage's actions, the same outputs
 * (`remoteUrl`, `repoContentsUrl`, …) for later steps. The token comes from the environment and
 * is never printed.
 */

const repoInput = z.looseObject({
  repoUrl: z.string(),
  description: z.string().optional(),
  homepage: z.string().optional(),
  repoVisibility: z.enum(['private', 'internal', 'public']).default('private'),
  defaultBranch: z.string().default('main'),
  topics: z.array(z.string()).optional(),
  gitCommitMessage: z.string().default('initial commit'),
  deleteBranchOnMerge: z.boolean().optional(),
  allowedHosts: z.array(z.string()).optional(),
  sourcePath: z.string().optional(),
});

const pullRequestInput = z.looseObject({
  repoUrl: z.string(),
  branchName: z.string(),
  title: z.string(),
  description: z.string().default(''),
  targetPath: z.string().optional(),
  sourcePath: z.string().optional(),
  draft: z.boolean().optional(),
  commitMessage: z.string().optional(),
});

/** Thrown for a publish that cannot go ahead; the message says why, without the token. */
export class PublishError extends Error {}

export interface GithubPublisherOptions {
  /** `https://api.github.com`, or GitHub Enterprise's `https://HOST/api/v3`. */
  apiUrl: string;
  token: string;
  log?: (line: string) => void;
}

function parse<T>(schema: z.ZodType<T>, input: unknown, action: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new PublishError(`${action}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Files under `sourcePath` (or all), re-rooted at `targetPath`. */
function filesToPush(workspace: Workspace, sourcePath: string | undefined, targetPath: string | undefined): [string, Uint8Array][] {
  const source = sourcePath === undefined ? '' : (normalizeRelative(sourcePath) ?? '');
  const target = targetPath === undefined ? '' : normalizeRelative(targetPath);
  if (target === undefined) throw new PublishError(`targetPath "${targetPath}" leaves the repository`);
  const files: [string, Uint8Array][] = [];
  for (const [path, bytes] of workspace) {
    if (source !== '' && !path.startsWith(`${source}/`)) continue;
    const relative = source === '' ? path : path.slice(source.length + 1);
    files.push([target === '' ? relative : `${target}/${relative}`, bytes]);
  }
  return files.sort(([a], [b]) => a.localeCompare(b));
}

function explain(error: unknown, what: string): PublishError {
  const status = z.object({ status: z.number() }).safeParse(error);
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (status.success && status.data.status === 401) return new PublishError(`${what}: GitHub rejected the token (401); check GITHUB_TOKEN`);
  if (status.success && status.data.status === 422) return new PublishError(`${what}: GitHub refused it (422): ${message}`);
  return new PublishError(`${what}: ${status.success ? `GitHub answered ${status.data.status}: ` : ''}${message}`);
}

/** Creates the publisher the runner calls for publishing steps. */
export function githubPublisher(options: GithubPublisherOptions): Publisher {
  const octokit = new Octokit({ auth: options.token, baseUrl: options.apiUrl.replace(/\/+$/, ''), retry: { enabled: false }, throttle: { enabled: false } });
  const log = options.log ?? (() => {});

  /** Uploads the files as one tree; returns its sha. */
  async function pushTree(owner: string, repo: string, files: [string, Uint8Array][], baseTree?: string): Promise<string> {
    const tree = [];
    for (const [path, bytes] of files) {
      const { data: blob } = await octokit.rest.git.createBlob({ owner, repo, content: Buffer.from(bytes).toString('base64'), encoding: 'base64' });
      tree.push({ path, mode: '100644' as const, type: 'blob' as const, sha: blob.sha });
    }
    const { data } = await octokit.rest.git.createTree({ owner, repo, tree, ...(baseTree && { base_tree: baseTree }) });
    return data.sha;
  }

  async function createRepository(input: unknown, workspace: Workspace): Promise<{ output: Record<string, unknown>; detail: string }> {
    const args = parse(repoInput, input, 'publish:github');
    const target = publishTarget(args);
    if (target === undefined || target.owner === '') throw new PublishError(`publish:github: cannot read repoUrl "${args.repoUrl}" (expected github.com?owner=…&repo=…)`);
    if (args.allowedHosts && !args.allowedHosts.includes(target.host)) throw new PublishError(`publish:github: the host ${target.host} is not in allowedHosts (${args.allowedHosts.join(', ')})`);
    const { owner, repo } = target;
    const files = filesToPush(workspace, args.sourcePath, undefined);
    if (files.length === 0) throw new PublishError('publish:github: there are no files to push');
    try {
      const { data: account } = await octokit.rest.users.getByUsername({ username: owner });
      const settings = {
        name: repo,
        private: args.repoVisibility !== 'public',
        ...(args.description !== undefined && { description: args.description }),
        ...(args.homepage !== undefined && { homepage: args.homepage }),
        ...(args.deleteBranchOnMerge !== undefined && { delete_branch_on_merge: args.deleteBranchOnMerge }),
      };
      log(`creating ${args.repoVisibility} repository ${owner}/${repo}`);
      const { data: created } =
        account.type === 'Organization'
          ? await octokit.rest.repos.createInOrg({ org: owner, ...settings, ...(args.repoVisibility !== 'internal' && { visibility: args.repoVisibility }) })
          : await octokit.rest.repos.createForAuthenticatedUser(settings);
      // An empty repository has no git database yet: the first file through the contents API
      // creates it, then one commit with every file replaces that one, so history starts clean.
      const [firstPath, firstBytes] = files[0] ?? ['README.md', new Uint8Array()];
      await octokit.rest.repos.createOrUpdateFileContents({ owner, repo, path: firstPath, message: args.gitCommitMessage, content: Buffer.from(firstBytes).toString('base64'), branch: args.defaultBranch });
      const tree = await pushTree(owner, repo, files);
      const { data: commit } = await octokit.rest.git.createCommit({ owner, repo, message: args.gitCommitMessage, tree, parents: [] });
      await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${args.defaultBranch}`, sha: commit.sha, force: true });
      if (created.default_branch !== args.defaultBranch) await octokit.rest.repos.update({ owner, repo, default_branch: args.defaultBranch });
      if (args.topics && args.topics.length > 0) await octokit.rest.repos.replaceAllTopics({ owner, repo, names: args.topics });
      const remoteUrl = created.html_url;
      return {
        output: { remoteUrl, repoContentsUrl: `${remoteUrl}/blob/${args.defaultBranch}`, commitHash: commit.sha },
        detail: `created ${remoteUrl} with ${files.length} files in one commit on ${args.defaultBranch}`,
      };
    } catch (error) {
      if (error instanceof PublishError) throw error;
      throw explain(error, `publish:github (${owner}/${repo})`);
    }
  }

  async function openPullRequest(input: unknown, workspace: Workspace): Promise<{ output: Record<string, unknown>; detail: string }> {
    const args = parse(pullRequestInput, input, 'publish:github:pull-request');
    const target = publishTarget(args);
    if (target === undefined || target.owner === '') throw new PublishError(`publish:github:pull-request: cannot read repoUrl "${args.repoUrl}"`);
    const { owner, repo } = target;
    const files = filesToPush(workspace, args.sourcePath, args.targetPath);
    try {
      const { data: repository } = await octokit.rest.repos.get({ owner, repo });
      const base = repository.default_branch;
      const { data: ref } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` });
      const { data: baseCommit } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: ref.object.sha });
      const tree = await pushTree(owner, repo, files, baseCommit.tree.sha);
      const { data: commit } = await octokit.rest.git.createCommit({ owner, repo, message: args.commitMessage ?? args.title, tree, parents: [baseCommit.sha] });
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${args.branchName}`, sha: commit.sha });
      const { data: pull } = await octokit.rest.pulls.create({ owner, repo, title: args.title, head: args.branchName, base, body: args.description, ...(args.draft !== undefined && { draft: args.draft }) });
      return {
        output: { remoteUrl: pull.html_url, pullRequestNumber: pull.number, targetBranchName: base },
        detail: `opened ${pull.html_url} from ${args.branchName} with ${files.length} files`,
      };
    } catch (error) {
      if (error instanceof PublishError) throw error;
      throw explain(error, `publish:github:pull-request (${owner}/${repo})`);
    }
  }

  return async (step, input, workspace) => {
    if (step.action === 'publish:github') return createRepository(input, workspace);
    if (step.action === 'publish:github:pull-request') return openPullRequest(input, workspace);
    throw new PublishError(`${step.action} is not a publishing action Playbill runs`);
  };
}
