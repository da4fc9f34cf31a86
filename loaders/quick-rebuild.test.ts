import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInto } from '../test/support/files.ts';
import { docsPageFile, keptChanged, replaceText } from './quick-rebuild.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const layout = (html: string) =>
  `<html><head><title>Setup</title></head><body><nav>Setup</nav><article><div class="markdown">${html}</div><footer class="docs-meta" data-pagefind-ignore></footer></article></body></html>`;

describe('replaceText', () => {
  it('replaces the HTML where the layout puts it', () => {
    expect(replaceText(layout('<p>old</p>'), sha('<p>old</p>'), '<p>new</p>')).toBe(layout('<p>new</p>'));
  });

  it('finds it when the page\'s own HTML holds text like the layout\'s', () => {
    const tricky = '<div class="markdown"><p>quoted</p></div><footer class="docs-meta"></footer>';
    expect(replaceText(layout(tricky), sha(tricky), '<p>plain</p>')).toBe(layout('<p>plain</p>'));
    expect(replaceText(layout('<p>plain</p>'), sha('<p>plain</p>'), tricky)).toBe(layout(tricky));
  });

  it('moves the page\'s date in its footer, when it moved', () => {
    const dated = (html: string, date: string) => layout(html).replace('data-pagefind-ignore></footer>', `data-pagefind-ignore><span class="muted">Last updated <time datetime="${date}">${date.slice(0, 10)}</time></span></footer>`);
    const dates = { before: '2026-11-20T10:00:00+00:00', after: '2026-11-30T09:00:00+00:00' };
    expect(replaceText(dated('<p>old</p>', dates.before), sha('<p>old</p>'), '<p>new</p>', dates)).toBe(dated('<p>new</p>', dates.after));
    // The old date where the page's own HTML quotes it is left alone: only the footer's moves.
    const quoting = `<p><time datetime="${dates.before}">${dates.before.slice(0, 10)}</time></p>`;
    expect(replaceText(dated(quoting, dates.before), sha(quoting), quoting, dates)).toBe(dated(quoting, dates.after));
    // No footer date where one was expected: given up.
    expect(replaceText(layout('<p>old</p>'), sha('<p>old</p>'), '<p>new</p>', dates)).toBeUndefined();
  });

  it('gives up when the kept page does not hold the HTML it had', () => {
    expect(replaceText(layout('<p>old</p>'), sha('<p>other</p>'), '<p>new</p>')).toBeUndefined();
    expect(replaceText('<html><body><p>old</p></body></html>', sha('<p>old</p>'), '<p>new</p>')).toBeUndefined();
  });
});

describe('docsPageFile', () => {
  it('puts a docs page where the docs route writes it, names in lower case', () => {
    expect(docsPageFile('component:default/web', '')).toBe('docs/default/component/web/index.html');
    expect(docsPageFile('Component:Default/Web', 'guides/setup/')).toBe('docs/default/component/web/guides/setup/index.html');
  });
});

describe('keptChanged', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'playbill-quick-'));
    await writeInto(dir, 'output/docs/index.html', 'a');
    await writeInto(dir, 'output/other.html', 'b');
    const past = new Date(Date.now() - 60_000);
    for (const file of ['output/docs/index.html', 'output/other.html']) await utimes(join(dir, file), past, past);
    await writeInto(dir, 'files.json', '[]');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is nothing while no kept file was written after the list', async () => {
    await expect(keptChanged(join(dir, 'output'), join(dir, 'files.json'), ['docs/index.html', 'other.html'])).resolves.toBeUndefined();
  });

  it('names a kept file written since, or gone', async () => {
    await expect(keptChanged(join(dir, 'output'), join(dir, 'files.json'), ['docs/index.html', 'gone.html'])).resolves.toMatch(/gone\.html/);
    const later = new Date(Date.now() + 60_000);
    await utimes(join(dir, 'output/other.html'), later, later);
    await expect(keptChanged(join(dir, 'output'), join(dir, 'files.json'), ['docs/index.html', 'other.html'])).resolves.toMatch(/other\.html changed after it was kept/);
  });
});
