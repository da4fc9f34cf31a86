import { isPlainObject } from './nunjucks/values.ts';
import { parseRepoUrl } from './scaffolder-filters.ts';

/**
 * What a publishing step would do, in one sentence, from its rendered input: the review step
 * of the form says it before anyone runs the CLI with `--publish`.
 */

function text(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The repository a publishing step targets, as `owner/repo` on a host. */
export function publishTarget(input: unknown): { host: string; owner: string; repo: string } | undefined {
  if (!isPlainObject(input)) return undefined;
  const repoUrl = text(input, 'repoUrl');
  if (repoUrl === undefined) return undefined;
  try {
    const parsed = parseRepoUrl(repoUrl);
    return { host: parsed.host, owner: parsed.owner ?? '', repo: parsed.repo };
  } catch {
    return undefined;
  }
}

/** One sentence for people. */
export function describePublish(action: string, input: unknown, fileCount: number): string {
  const target = publishTarget(input);
  const fields = isPlainObject(input) ? input : {};
  if (target === undefined) return `${action}: its repoUrl is missing or unreadable, so it would fail.`;
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  if (action === 'publish:github') {
    const visibility = text(fields, 'repoVisibility') ?? 'private';
    const branch = text(fields, 'defaultBranch') ?? 'main';
    const description = text(fields, 'description');
    const topics = Array.isArray(fields['topics']) ? fields['topics'].filter((t) => typeof t === 'string') : [];
    return [
      `Creates the ${visibility} repository ${target.owner}/${target.repo} on ${target.host}`,
      description ? ` (${JSON.stringify(description)})` : "",
      topics.length > 0 ? ` with the topics ${topics.join(', ')}` : '',
      `, and pushes the ${files} as the first commit on ${branch}.`,
    ].join('');
  }
  if (action === 'publish:github:pull-request') {
    const branch = text(fields, 'branchName') ?? 'a new branch';
    const title = text(fields, 'title');
    const targetPath = text(fields, 'targetPath');
    return `Opens a pull request on ${target.owner}/${target.repo} (${target.host}) from the branch ${branch}${title ? `, titled "${title}"` : ''}, adding the ${files}${targetPath ? ` under ${targetPath}/` : ''}.`;
  }
  return `${action} on ${target.owner}/${target.repo}: only Backstage runs this.`;
}
