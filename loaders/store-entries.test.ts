import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCollection, describeStore, textChanges, type CollectionShare, type StoreEntries, type StoreEntry } from './store-entries.ts';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'playbill-store-entries-'));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

const page = (html: string, more: Record<string, unknown> = {}) => ({
  entityRef: 'component:default/web',
  slug: 'setup/',
  url: '/docs/default/component/web/setup/',
  title: 'Setup',
  headings: [{ depth: 2, id: 'install', text: 'Install' }],
  htmlFile: `/cache/playbill/html/${html}.html`,
  ...more,
});

function share(entries: StoreEntry[]): CollectionShare {
  return { entries, json: entries.map((e) => JSON.stringify(e.data)) };
}

async function store(pages: Record<string, unknown>[], entity: Record<string, unknown> = { name: 'web' }): Promise<StoreEntries> {
  return describeStore(
    new Map([
      ['entities', describeCollection('entities', share([{ id: 'component:default/web', data: entity }]))],
      ['docsPages', describeCollection('docsPages', share(pages.map((data, i) => ({ id: `page-${i}`, data }))))],
    ]),
    cacheDir,
  );
}

describe('describeStore', () => {
  it('keeps each docs page\'s HTML digest and date apart from the digest of the rest', async () => {
    const described = await store([page('aaa', { lastModified: '2026-11-01T00:00:00Z' })]);
    expect(described.pages['page-0']).toEqual({ entityRef: 'component:default/web', slug: 'setup/', html: 'aaa', lastModified: '2026-11-01T00:00:00Z' });
    const other = await store([page('bbb', { lastModified: '2026-11-02T00:00:00Z' })]);
    expect(other.collections['docsPages']).toEqual(described.collections['docsPages']);
    expect(other.collections['entities']).toEqual(described.collections['entities']);
  });
});

describe('textChanges', () => {
  it('finds the pages whose HTML alone changed', async () => {
    const last = await store([page('aaa'), page('ccc', { slug: '' })]);
    expect(textChanges(last, await store([page('bbb'), page('ccc', { slug: '' })]))).toEqual({
      changes: [{ id: 'page-0', entityRef: 'component:default/web', slug: 'setup/', before: expect.objectContaining({ html: 'aaa' }), after: expect.objectContaining({ html: 'bbb' }) }],
    });
    expect(textChanges(last, last)).toEqual({ changes: [] });
  });

  it('says why when more than docs text changed', async () => {
    const last = await store([page('aaa')]);
    const cases: [StoreEntries, RegExp][] = [
      [await store([page('bbb', { headings: [] })]), /^1 of 1 docs pages beyond their text .* changed$/],
      [await store([page('bbb', { title: 'Set up' })]), /docs pages beyond their text/],
      [await store([page('aaa'), page('ddd', { slug: 'new/' })]), /^1 of 2 docs pages beyond their text/],
      [await store([page('aaa')], { name: 'web', description: 'edited' }), /^1 of 1 entities changed$/],
      [await store([page('bbb', { lastModified: '2026-11-30T00:00:00Z' })]), /^the date of docs page page-0 changed/],
      [{ ...(await store([page('aaa')])), assets: 'other' }, /images or other files/],
    ];
    for (const [now, why] of cases) {
      const answer = textChanges(last, now);
      expect('why' in answer && answer.why, why.source).toMatch(why);
    }
  });

  it('lets a page\'s date move with its text, unless the team pages would list its docs differently', async () => {
    const today = new Date('2026-12-01T12:00:00Z');
    const dated = (html: string, lastModified: string) => store([page(html, { lastModified })]);
    const recent = textChanges(await dated('aaa', '2026-11-20T10:00:00+00:00'), await dated('bbb', '2026-11-30T09:00:00+00:00'), undefined, today);
    expect(recent).toEqual({ changes: [expect.objectContaining({ before: expect.objectContaining({ lastModified: '2026-11-20T10:00:00+00:00' }), after: expect.objectContaining({ html: 'bbb', lastModified: '2026-11-30T09:00:00+00:00' }) })] });
    // A date moved with the same text (a commit that changed nothing the page shows) is a change too.
    expect(textChanges(await dated('aaa', '2026-11-20T10:00:00+00:00'), await dated('aaa', '2026-11-21T10:00:00+00:00'), undefined, today)).toEqual({ changes: [expect.objectContaining({ id: 'page-0' })] });
    // Docs 200 days old were on the team pages' list of stale docs; now they are not.
    expect(textChanges(await dated('aaa', '2026-05-15T10:00:00+00:00'), await dated('bbb', '2026-11-30T09:00:00+00:00'), undefined, today)).toEqual({ why: expect.stringMatching(/^the docs of component:default\/web were last changed 2026-05-15 and now 2026-11-30 \(team pages list docs not changed in 180 days\)$/) });
    // A date the layout would escape, or one that goes away, is not written in place.
    expect(textChanges(await dated('aaa', '2026-11-20T10:00:00+00:00'), await dated('bbb', '2026-11-30 <b>'), undefined, today)).toEqual({ why: expect.stringMatching(/^the date of docs page page-0 changed/) });
    expect(textChanges(await dated('aaa', '2026-11-20T10:00:00+00:00'), await store([page('bbb')]), undefined, today)).toEqual({ why: expect.stringMatching(/changed from 2026-11-20T10:00:00\+00:00 to none$/) });
  });

  it('compares only the collections named, when asked to', async () => {
    const last = await store([page('aaa')]);
    const now = await store([page('bbb', { title: 'New' })]);
    expect(textChanges(last, now, ['entities'])).toEqual({ changes: [] });
    expect(textChanges(last, await store([page('aaa')], { name: 'web', title: 'Web' }), ['entities'])).toEqual({ why: '1 of 1 entities changed' });
  });

  it('names every collection that changed, in a fixed order', async () => {
    const answer = textChanges(await store([page('aaa')]), await store([page('bbb', { title: 'New' })], { name: 'web', title: 'Web' }));
    expect(answer).toEqual({ why: '1 of 1 entities, 1 of 1 docs pages beyond their text (titles, headings, links, pages added or removed) changed' });
  });
});
