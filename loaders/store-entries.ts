import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { z } from 'zod';
import { cacheLayout } from './cache-layout.ts';
import { readCacheFile, writeCacheFile } from './cache-files.ts';
import { fileDigest } from './file-trees.ts';
import { newestDocsDates, STALE_DOCS_DAYS, staleBefore } from './scorecards/schema.ts';

/**
 * What the content store holds after a sync, in short: each collection's entries by id with
 * the digest of their data, and for each docs page where its HTML lies and its date. The
 * content loaders write it after every sync (`store-entries.json` in the build cache); the
 * build keeps it beside the output it keeps (`last-build/`). A later build that finds only
 * docs pages' text changed since (loaders/quick-rebuild.ts) then writes those pages into the
 * kept output itself instead of running Astro.
 */
export const storeEntriesSchema = z.object({
  version: z.literal(1),
  /** By collection, each entry's id and the digest of its data (a docs page's without its HTML file and date). */
  collections: z.record(z.string(), z.record(z.string(), z.string())),
  /** Each docs page by id: its entity and path, the digest of its HTML (its file's name), its date. */
  pages: z.record(z.string(), z.object({ entityRef: z.string(), slug: z.string(), html: z.string(), lastModified: z.string().optional() })),
  /** The digest of the list of docs assets (images and such) copied into the output after Astro. */
  assets: z.string(),
});
export type StoreEntries = z.infer<typeof storeEntriesSchema>;

/** One content-store entry: its id and the data stored under it. */
export interface StoreEntry {
  id: string;
  data: Record<string, unknown>;
}

/** One collection's share: its entries, and each one's data as JSON (as the store's digest is taken of). */
export interface CollectionShare {
  entries: readonly StoreEntry[];
  json: readonly string[];
}

/** What the record keeps of one collection: each entry's digest, and for docs pages the rest. */
export type CollectionRecord = { digests: Record<string, string>; pages: StoreEntries['pages'] };

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

/** What the record keeps of one collection's share (a docs page's HTML file and date apart). */
export function describeCollection(name: string, { entries, json }: CollectionShare): CollectionRecord {
  const digests: Record<string, string> = {};
  const pages: StoreEntries['pages'] = {};
  entries.forEach(({ id, data }, i) => {
    if (name !== 'docsPages') {
      digests[id] = digest(json[i] ?? '');
      return;
    }
    const { htmlFile, lastModified, ...rest } = data;
    digests[id] = digest(JSON.stringify(rest));
    pages[id] = {
      entityRef: String(data['entityRef']),
      slug: String(data['slug']),
      html: basename(String(htmlFile)).replace(/\.html$/, ''),
      ...(typeof lastModified === 'string' ? { lastModified } : {}),
    };
  });
  return { digests, pages };
}

/** The record of every collection described, with the docs assets' list the docs stage wrote to `cacheDir`. */
export async function describeStore(records: ReadonlyMap<string, CollectionRecord>, cacheDir: string): Promise<StoreEntries> {
  const collections: StoreEntries['collections'] = {};
  const pages: StoreEntries['pages'] = {};
  for (const [name, record] of records) {
    collections[name] = record.digests;
    Object.assign(pages, record.pages);
  }
  const assets = await fileDigest(cacheLayout(cacheDir).assetsManifest).catch(() => '');
  return { version: 1, collections, pages, assets };
}

export function writeStoreEntries(file: string, entries: StoreEntries): Promise<void> {
  return writeCacheFile(file, entries);
}

export function readStoreEntries(file: string): Promise<StoreEntries | undefined> {
  return readCacheFile(file, storeEntriesSchema);
}

/** A docs page whose HTML (or date) is all that changed. */
export interface TextChange {
  id: string;
  entityRef: string;
  slug: string;
  before: StoreEntries['pages'][string];
  after: StoreEntries['pages'][string];
}

/** Words for each collection, for the reason a docs-only rebuild cannot be done. */
const WHAT: Record<string, string> = {
  entities: 'entities',
  problems: 'problems',
  docsSites: 'docs sites (titles, navigation)',
  docsPages: 'docs pages beyond their text (titles, headings, links, pages added or removed)',
  apiViews: 'API definitions',
  graphs: 'relation graphs',
  scorecards: 'scorecard results',
  pluginCards: 'plugin cards',
  templates: 'templates',
};

/** A docs page's date as the layout can be sure to have written it: nothing in it to escape. */
const PLAIN_DATE = /^[0-9][0-9T:.+\-Z]*$/;

/**
 * Compares the store of the last kept build with this one: the docs pages whose text or
 * date alone changed, when nothing else did (every other entry the same, every docs page's
 * title, headings and links the same, the same docs assets); else why not. A date that
 * moves for an entity whose docs are, or were, near `STALE_DOCS_DAYS` old (`today` decides)
 * changes what the team pages list, so that too is a why. Given `only` (`now` holds only
 * those collections so far), compares those collections alone.
 */
export function textChanges(last: StoreEntries, now: StoreEntries, only?: readonly string[], today = new Date()): { changes: TextChange[] } | { why: string } {
  const names = only ?? [...new Set([...Object.keys(WHAT), ...Object.keys(last.collections), ...Object.keys(now.collections)])];
  const changed = names.flatMap((name) => {
    const before = last.collections[name] ?? {};
    const after = now.collections[name] ?? {};
    const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
    const differ = [...ids].filter((id) => before[id] !== after[id]).length;
    return differ > 0 ? [`${differ} of ${ids.size} ${WHAT[name] ?? name}`] : [];
  });
  if (changed.length > 0) return { why: `${changed.join(', ')} changed` };
  if (only) return { changes: [] };
  if (last.assets !== now.assets) return { why: 'the docs\' images or other files changed' };
  const changes: TextChange[] = [];
  for (const [id, after] of Object.entries(now.pages)) {
    const before = last.pages[id];
    if (!before) return { why: `docs page ${id} is new` };
    const dated = before.lastModified !== after.lastModified;
    if (dated && !(before.lastModified && after.lastModified && PLAIN_DATE.test(before.lastModified) && PLAIN_DATE.test(after.lastModified))) {
      return { why: `the date of docs page ${id} changed from ${before.lastModified ?? 'none'} to ${after.lastModified ?? 'none'}` };
    }
    if (dated || before.html !== after.html) changes.push({ id, entityRef: after.entityRef, slug: after.slug, before, after });
  }
  // A day's margin: the team pages take the time as they are built.
  const stale = staleBefore(today, 1);
  const [newestBefore, newestAfter] = [newestDocsDates(Object.values(last.pages)), newestDocsDates(Object.values(now.pages))];
  for (const [entityRef, after] of newestAfter) {
    const before = newestBefore.get(entityRef) ?? '';
    if (before !== after && (before < stale || after < stale)) return { why: `the docs of ${entityRef} were last changed ${before.slice(0, 10)} and now ${after.slice(0, 10)} (team pages list docs not changed in ${STALE_DOCS_DAYS} days)` };
  }
  return { changes };
}

