import { LineCounter, parseDocument, type ScalarTag } from 'yaml';
import { z } from 'zod';

/** The parts of `mkdocs.yml` Playbill reads; everything else (theme, plugins…) is ignored. */
export const mkdocsSchema = z.looseObject({
  /** Title of the docs site. */
  site_name: z.string().optional().catch(undefined),
  /** Folder with the Markdown, relative to mkdocs.yml. Default `docs`. */
  docs_dir: z.string().optional().catch(undefined),
  /** Navigation; without it one is built from the folder tree. */
  nav: z.array(z.unknown()).optional().catch(undefined),
  repo_url: z.string().optional().catch(undefined),
  edit_uri: z.string().optional().catch(undefined),
});
export type MkdocsConfig = z.infer<typeof mkdocsSchema>;

/** One nav entry, normalised. */
export type NavEntry =
  | { type: 'page'; title?: string; docPath: string }
  | { type: 'link'; title: string; url: string }
  | { type: 'section'; title: string; children: NavEntry[] }
  | { type: 'include'; title?: string; configPath: string; wildcard: boolean };

/** `!include` keeps its argument; other unknown tags (`!ENV`, `!!python/name:`) just warn and keep the value. */
const includeTag: ScalarTag = {
  tag: '!include',
  resolve: (value: string) => `!include ${value}`,
};

export interface MkdocsResult {
  config: MkdocsConfig;
  errors: { line: number; column: number; message: string }[];
}

/** Reads mkdocs.yml text; syntax errors are reported with their position, never thrown. */
export function parseMkdocs(text: string): MkdocsResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, customTags: [includeTag], prettyErrors: true, uniqueKeys: false });
  const errors = doc.errors.map((e) => {
    const at = e.linePos?.[0];
    return { line: at?.line ?? 1, column: at?.col ?? 1, message: `mkdocs.yml: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}` };
  });
  let value: unknown = {};
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 }) ?? {};
    } catch (error) {
      errors.push({ line: 1, column: 1, message: `mkdocs.yml rejected: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const parsed = mkdocsSchema.safeParse(value);
  return { config: parsed.success ? parsed.data : {}, errors };
}

const INCLUDE = /^([!*])include\s+(.+)$/;

function entryOf(title: string | undefined, value: unknown): NavEntry | undefined {
  if (typeof value === 'string') {
    const include = INCLUDE.exec(value.trim());
    if (include?.[2]) {
      return { type: 'include', ...(title ? { title } : {}), configPath: include[2].trim(), wildcard: include[1] === '*' };
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return title ? { type: 'link', title, url: value } : undefined;
    return { type: 'page', ...(title ? { title } : {}), docPath: value.replace(/^\.\//, '') };
  }
  if (Array.isArray(value)) return { type: 'section', title: title ?? '', children: normaliseNav(value) };
  return undefined;
}

/** Normalises MkDocs' nav forms: `page.md`, `Title: page.md`, `Title: https://…`, `Section: [...]`, `!include`. */
export function normaliseNav(items: readonly unknown[]): NavEntry[] {
  const out: NavEntry[] = [];
  for (const item of items) {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      for (const [title, value] of Object.entries(item)) {
        // Monorepo plugin's wildcard as a key: `'*include ./components/* Title': …`.
        const wildcard = /^\*include\s+(\S+)(?:\s+(.*))?$/.exec(title);
        if (wildcard?.[1]) {
          const glob = wildcard[1].replace(/\/$/, '');
          const configPath = /mkdocs\.ya?ml$/.test(glob) ? glob : `${glob}/mkdocs.yml`;
          out.push({ type: 'include', ...(wildcard[2] ? { title: wildcard[2] } : {}), configPath, wildcard: true });
          continue;
        }
        const entry = entryOf(title, value);
        if (entry) out.push(entry);
      }
    } else {
      const entry = entryOf(undefined, item);
      if (entry) out.push(entry);
    }
  }
  return out;
}
