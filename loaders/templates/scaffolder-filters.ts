import { parseEntityRef, RefError } from '../catalog/refs.ts';
import { isPlainObject } from './nunjucks/values.ts';
import type { ExtraFilter } from './nunjucks/render.ts';

/**
 * The filters Backstage's scaffolder adds to Nunjucks. Their results pass through JSON, as in
 * Backstage (its filters run outside the sandbox and hand back JSON), so undefined fields vanish.
 */

/** `github.com?owner=acme&repo=svc`, the value Backstage's RepoUrlPicker writes, read into parts. */
export interface RepoUrl {
  host: string;
  owner?: string;
  repo: string;
  organization?: string;
  workspace?: string;
  project?: string;
}

/** Thrown for a repository URL the filters cannot read. */
export class RepoUrlError extends Error {}

/** Reads `host?owner=…&repo=…` as Backstage's parseRepoUrl does. */
export function parseRepoUrl(repoUrl: string): RepoUrl {
  let url: URL;
  try {
    url = new URL(`https://${repoUrl}`);
  } catch {
    throw new RepoUrlError(`Invalid repo URL passed to publisher, got ${repoUrl}`);
  }
  const get = (key: string) => url.searchParams.get(key) ?? undefined;
  const repo = get('repo');
  const owner = get('owner');
  const parsed = { host: url.host, owner, repo, organization: get('organization'), workspace: get('workspace'), project: get('project') };
  if (repo === undefined || repo === '') throw new RepoUrlError(`Invalid repo URL passed to publisher: ${repoUrl}, missing repo`);
  if (url.host === 'dev.azure.com') {
    if (parsed.organization === undefined) throw new RepoUrlError(`Invalid repo URL passed to publisher: ${repoUrl}, missing organization`);
  } else if (url.host.includes('bitbucket')) {
    if (parsed.project === undefined && parsed.workspace === undefined) throw new RepoUrlError(`Invalid repo URL passed to publisher: ${repoUrl}, missing project`);
  } else if (owner === undefined || owner === '') throw new RepoUrlError(`Invalid repo URL passed to publisher: ${repoUrl}, missing owner`);
  return { ...parsed, repo };
}

function viaJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

function textArgument(value: unknown, filter: string): string {
  if (typeof value !== 'string') throw new RepoUrlError(`${filter} needs text, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  return value;
}

/** lodash `get`: `pick(obj, "a.b[0].c")`. */
function pick(value: unknown, path: unknown): unknown {
  if (typeof path !== 'string') return undefined;
  let current = value;
  for (const part of path.split(/[.[\]]+/).filter((p) => p !== '')) {
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (isPlainObject(current) && Object.hasOwn(current, part)) current = current[part];
    else return undefined;
  }
  return current;
}

/** Backstage's default template filters, by name. */
export const SCAFFOLDER_FILTERS: Readonly<Record<string, ExtraFilter>> = {
  parseRepoUrl: (value) => viaJson(parseRepoUrl(textArgument(value, 'parseRepoUrl'))),
  parseEntityRef: (value, context) => {
    const options = isPlainObject(context) ? context : {};
    const defaultKind = typeof options.defaultKind === 'string' ? options.defaultKind : undefined;
    const defaultNamespace = typeof options.defaultNamespace === 'string' ? options.defaultNamespace : undefined;
    try {
      return viaJson(parseEntityRef(textArgument(value, 'parseEntityRef'), { ...(defaultKind && { defaultKind }), ...(defaultNamespace && { defaultNamespace }) }));
    } catch (error) {
      throw new RefError(error instanceof Error ? error.message : String(error));
    }
  },
  pick: (value, path) => viaJson(pick(value, path)),
  projectSlug: (value) => {
    const { owner, repo } = parseRepoUrl(textArgument(value, 'projectSlug'));
    return `${owner ?? ''}/${repo}`;
  },
};
