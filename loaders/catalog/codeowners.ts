import type { Repository } from '../sources/source.ts';

/**
 * CODEOWNERS as Backstage's CodeOwnersProcessor reads it: an entity of these kinds with no
 * `spec.owner` gets the first owner of the repository's catch-all rule (`*`), normalised the
 * same way (`@org/team` → `team`, `@user` → `user`, `name@host` → `name`).
 */

/** The kinds whose owner may come from CODEOWNERS. */
export const CODEOWNER_KINDS = new Set(['API', 'Component', 'Domain', 'Resource', 'System']);

/** Where CODEOWNERS may be, in the order Backstage looks. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', '.gitlab/CODEOWNERS', 'docs/CODEOWNERS', 'CODEOWNERS'] as const;

/** An owner as Backstage writes it into `spec.owner`. */
export function normaliseCodeOwner(owner: string): string {
  if (/^@.*\/.*/.test(owner)) return owner.split('/')[1] ?? owner;
  if (owner.startsWith('@')) return owner.slice(1);
  if (/^.*@.*\..*$/.test(owner)) return owner.split('@')[0] ?? owner;
  return owner;
}

/** The owner of the last catch-all rule (`*` or `/*`), normalised; undefined when there is none. */
export function primaryCodeOwner(text: string): string | undefined {
  let owner: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [pattern, first] = line.split(/\s+/);
    if ((pattern === '*' || pattern === '/*' || pattern === '/**' || pattern === '**') && first) owner = normaliseCodeOwner(first);
  }
  return owner;
}

const byRepository = new WeakMap<Repository, Promise<{ owner: string; file: string } | undefined>>();

/** The repository's primary code owner, from the first CODEOWNERS found; read once per repository. */
export function codeOwnerOf(repo: Repository): Promise<{ owner: string; file: string } | undefined> {
  let found = byRepository.get(repo);
  if (!found) byRepository.set(repo, (found = readCodeOwner(repo)));
  return found;
}

async function readCodeOwner(repo: Repository): Promise<{ owner: string; file: string } | undefined> {
  for (const file of CODEOWNERS_LOCATIONS) {
    let text: string | undefined;
    try {
      text = await repo.readFile(file);
    } catch {
      // A CODEOWNERS that cannot be read (too large, a link out) gives no owner; the
      // descriptor still has to name one.
      continue;
    }
    if (text === undefined) continue;
    const owner = primaryCodeOwner(text);
    return owner ? { owner, file } : undefined;
  }
  return undefined;
}
