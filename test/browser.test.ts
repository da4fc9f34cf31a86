/**
 * The sample portal, built under /portal/, in real headless Chromium (Debian's): search,
 * filters, shareable URLs, offline reading and search, and links that stay under the base.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { createProject } from '../loaders/templates/create-command.ts';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortal } from './support/build-portal.ts';
import { launchChromium } from './support/chromium.ts';
import { serveStatic, type StaticServer } from './support/static-server.ts';

let built: { dir: string; dist: string; log: string };
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  built = await buildPortal('test/fixtures/portal-under-base/playbill.config.yaml');
  server = await serveStatic(built.dist, { base: '/portal/' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (built) await rm(built.dir, { recursive: true, force: true });
});

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(new URL(path, server.url).href);
  return page;
}

const resultTitles = (page: Page) => page.locator('#search-results .search-title').allTextContents();

describe('search box in the header', () => {
  it('opens with / and finds the entity and its docs as you type', async () => {
    const page = await openPage('catalog/');
    await page.keyboard.press('/');
    await expect.poll(() => page.locator('#search-dialog').getAttribute('open')).not.toBeNull();
    await page.keyboard.type('payments');
    await expect.poll(() => resultTitles(page)).toContain('Payments API');
    const hrefs = await page.locator('#search-results .search-result > a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toContain('/portal/catalog/default/component/payments-api/');
    expect(hrefs.some((h) => h?.startsWith('/portal/docs/default/component/payments-api/'))).toBe(true);
    await page.close();
  });

  it('opens with Ctrl+K, finds a docs page by its words, and Enter follows the first result', async () => {
    const page = await openPage('');
    await page.keyboard.press('Control+k');
    await page.keyboard.type('idempotency');
    await expect.poll(() => resultTitles(page)).toContain('Integrating with the Payments API');
    const excerpt = await page.locator('#search-results .search-excerpt mark').first().textContent();
    expect(excerpt?.toLowerCase()).toContain('idempotency');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal\/docs\/default\/component\/payments-api\//);
    await page.close();
  });

  it('says so when nothing matches', async () => {
    const page = await openPage('');
    await page.keyboard.press('/');
    await page.keyboard.type('zzqxwv');
    await expect.poll(() => page.locator('#search-status').textContent()).toBe('No results for “zzqxwv”.');
    await page.close();
  });
});

describe('the /search/ page', () => {
  it('narrows results with a filter and keeps query and filters in the URL', async () => {
    const page = await openPage('search/?q=payments');
    const status = page.locator('#search-page-status');
    await expect.poll(() => status.textContent()).toMatch(/^\d+ results?/);
    const all = Number(/^(\d+)/.exec((await status.textContent()) ?? '')?.[1]);
    await page.locator('input[name="result"][value="Docs"]').check();
    await expect.poll(async () => Number(/^(\d+)/.exec((await status.textContent()) ?? '')?.[1])).toBeLessThan(all);
    const urls = await page.locator('#search-page-results .search-result > a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((u) => u.startsWith('/portal/docs/'))).toBe(true);
    expect(new URL(page.url()).searchParams.getAll('result')).toEqual(['Docs']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('payments');

    // The URL is shareable: opening it again gives the same search.
    const shared = await openPage(page.url());
    await expect.poll(() => shared.locator('#search-page-status').textContent()).toBe(await status.textContent());
    expect(await shared.locator('input[name="result"][value="Docs"]').isChecked()).toBe(true);
    expect(await shared.locator('#search-page-input').inputValue()).toBe('payments');
    await page.close();
    await shared.close();
  });

  it('filters by kind without a query', async () => {
    const page = await openPage('search/?kind=API');
    await expect.poll(() => page.locator('#search-page-results .search-title').allTextContents()).toEqual(
      expect.arrayContaining(['Payments REST API', 'Auth API', 'Fraud events', 'Product graph', 'Inventory gRPC API']),
    );
    expect(await page.locator('#search-page-results .search-result').count()).toBe(5);
    await page.close();
  });
});

describe('search finds what it found', () => {
  // A fixed set of queries and the pages they find, in order, as Pagefind ranks them:
  // a faster build must not change them. PLAYBILL_UPDATE_GOLDEN=1 records them on purpose.
  const GOLDEN = join(import.meta.dirname, 'fixtures/search-results.golden.json');
  const QUERIES = ['payments', 'idempotency', 'checkout', 'kubernetes', 'deploy', 'team', 'api', 'events', 'postgres', 'on-call'];

  it('returns the recorded results for every query', async () => {
    const page = await openPage('search/');
    const found: Record<string, string[]> = {};
    for (const query of QUERIES) {
      // As a string: Vitest would rewrite a dynamic import() written here as code.
      found[query] = await page.evaluate<string[]>(`(async () => {
        const pagefind = await import('/portal/pagefind/pagefind.js');
        const search = await pagefind.search(${JSON.stringify(query)});
        const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
        return data.map((d) => d.url);
      })()`);
    }
    await page.close();
    expect(Object.values(found).filter((urls) => urls.length > 0).length).toBeGreaterThan(6);
    if (process.env['PLAYBILL_UPDATE_GOLDEN'] === '1') await writeFile(GOLDEN, `${JSON.stringify(found, null, 1)}\n`);
    else expect(found).toEqual(JSON.parse(await readFile(GOLDEN, 'utf8')));
  });
});

describe('catalog and docs filters', () => {
  const visible = (page: Page, table: string) => page.locator(`${table} tbody tr:not([hidden]) td:first-child a`).allTextContents();

  it('filter the catalog by facet and text, in the URL, surviving a reload', async () => {
    const page = await openPage('catalog/?kind=api');
    await expect.poll(() => visible(page, '#catalog-table')).toEqual(['Auth API', 'Fraud events', 'Inventory gRPC API', 'Payments REST API', 'Product graph']);
    expect(await page.locator('#catalog-count').textContent()).toBe('5 of 45 entities');
    await page.locator('#catalog-filters select[name="owner"]').selectOption('payments-team');
    await page.locator('#catalog-filters input[name="q"]').fill('verdict');
    await expect.poll(() => visible(page, '#catalog-table')).toEqual(['Fraud events']);
    expect(new URL(page.url()).search).toBe('?q=verdict&kind=api&owner=payments-team');
    await page.reload();
    await expect.poll(() => visible(page, '#catalog-table')).toEqual(['Fraud events']);
    expect(await page.locator('#catalog-filters select[name="owner"]').inputValue()).toBe('payments-team');
    await page.close();
  });

  it('filter the docs index by owner', async () => {
    const page = await openPage('docs/?owner=web-team');
    await expect.poll(() => visible(page, '#docs-table')).toEqual(['Acme design system']);
    await page.close();
  });
});

describe('offline', () => {
  it('after one online visit, reload, search and visited pages work with the network cut', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(new URL('docs/default/component/payments-api/architecture/', server.url).href);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // The first load is not controlled by the worker; one reload is, and it caches the page.
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await page.goto(new URL('', server.url).href);
    // Let the worker finish caching the search index and every result fragment.
    const fragments = (await readdir(join(built.dist, 'pagefind/fragment'))).length;
    await expect
      .poll(() => page.evaluate(async () => {
        const names = await caches.keys();
        const cache = await caches.open(names.find((n) => n.startsWith('playbill-')) ?? '');
        return (await cache.keys()).filter((r) => r.url.includes('/pagefind/fragment/')).length;
      }), { timeout: 30_000 })
      .toBe(fragments);

    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe('Acme developer portal');

    await page.keyboard.press('/');
    await page.keyboard.type('refund');
    await expect.poll(() => page.locator('#search-results .search-title').allTextContents(), { timeout: 10_000 }).toContain('Payments REST API');

    await page.goto(new URL('docs/default/component/payments-api/architecture/', server.url).href);
    await expect(page.locator('article h1').first().textContent()).resolves.toContain('Architecture');

    await page.goto(new URL('catalog/default/user/edsger/', server.url).href);
    await expect(page.locator('h1').textContent()).resolves.toBe('You are offline');
    await context.close();
  });

  it('is installable: a manifest with icons under the base path', async () => {
    const page = await openPage('');
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      return link ? (await fetch(link.href)).json() : undefined;
    });
    expect(manifest).toMatchObject({ start_url: '/portal/', scope: '/portal/', display: 'standalone' });
    for (const icon of manifest.icons) expect((await page.request.get(new URL(icon.src, server.url).href)).status()).toBe(200);
    await page.close();
  });
});

/** Relative luminance contrast of two CSS `rgb()` colours (WCAG's formula). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

describe('Mermaid diagrams follow the colour scheme', () => {
  /** The flowchart's first node: its label's colour against its shape's fill. */
  const flowchartColours = (page: Page) =>
    page.evaluate(() => {
      const chart = document.querySelector('pre.mermaid svg[aria-roledescription^="flowchart"]');
      const label = chart?.querySelector('.node .nodeLabel, .node text');
      const shape = chart?.querySelector('.node rect, .node path, .node polygon');
      return label && shape ? { text: getComputedStyle(label).color, fill: getComputedStyle(shape).fill } : undefined;
    });

  it('draws readable flowchart labels in dark mode, and draws again when the reader switches to light', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(new URL('docs/default/component/payments-api/architecture/', server.url).href);
    await expect.poll(() => page.locator('pre.mermaid[data-theme="dark"] svg').count()).toBe(2);
    const dark = await flowchartColours(page);
    expect(dark).toBeDefined();
    expect(contrast(dark?.text ?? '', dark?.fill ?? '')).toBeGreaterThan(4.5);

    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => page.locator('pre.mermaid[data-theme="light"] svg').count()).toBe(2);
    const light = await flowchartColours(page);
    expect(light?.fill).not.toBe(dark?.fill);
    expect(contrast(light?.text ?? '', light?.fill ?? '')).toBeGreaterThan(4.5);
    await context.close();
  });
});

describe('relation graphs drawn at build time', () => {
  /** For every box: does its widest line fit, and how well does its label stand out? */
  const boxes = (page: Page) =>
    page.locator('svg.relation-graph .g-node').evaluateAll((nodes) =>
      nodes.map((node) => {
        const rect = node.querySelector('rect');
        const texts = [...node.querySelectorAll<SVGTextElement>('text')];
        const label = node.querySelector('.g-label');
        return {
          fits: rect !== null && texts.every((t) => t.getBBox().width <= rect.getBBox().width - 8),
          text: label ? getComputedStyle(label).fill : '',
          fill: rect ? getComputedStyle(rect).fill : '',
          summary: node.classList.contains('g-kind-summary'),
          linked: node.tagName.toLowerCase() === 'a' ? node.getAttribute('href') : null,
        };
      }),
    );

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`shows readable boxes whose labels fit, each linking to its entity, without JavaScript (${colorScheme})`, async () => {
      const context = await browser.newContext({ colorScheme, javaScriptEnabled: false, serviceWorkers: 'block' });
      const page = await context.newPage();
      for (const path of ['catalog/default/component/payments-api/', 'catalog/default/system/payments/', 'catalog/default/group/engineering/']) {
        await page.goto(new URL(path, server.url).href);
        const found = await boxes(page);
        expect(found.length, path).toBeGreaterThan(2);
        for (const box of found) {
          expect(box.fits, `${path}: a label overflows its box`).toBe(true);
          expect(contrast(box.text, box.fill), `${path}: ${box.text} on ${box.fill}`).toBeGreaterThan(4.5);
          if (!box.summary) expect(box.linked, path).toMatch(/^\/portal\/catalog\/[^/]+\/[^/]+\/[^/]+\/$/);
        }
      }
      await page.screenshot({ path: join(built.dir, `graph-${colorScheme}.png`) });
      await context.close();
    });
  }

  it('lets the explorer filter by kind and owner, keeping the view in the URL', async () => {
    const page = await openPage('catalog/graph/');
    const status = page.locator('[data-graph-status]');
    await expect.poll(() => status.textContent()).toMatch(/^(\d+) of \1 entities/);
    const all = Number((await status.textContent())?.split(' ')[0]);
    await page.locator('input[name="kind"][value="group"]').uncheck();
    await expect.poll(() => page.locator('.g-node.g-kind-group:visible').count()).toBe(0);
    expect(page.url()).not.toContain('kind=group');
    await page.locator('select[name="owner"]').selectOption('group:default/payments-team');
    await expect.poll(async () => Number((await status.textContent())?.split(' ')[0])).toBeLessThan(all);
    expect(await page.locator('.g-node.g-kind-component:visible').count()).toBeGreaterThan(0);
    for (const ref of await page.locator('.g-node:visible').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-owner')))) expect(ref).toBe('group:default/payments-team');
    await page.reload();
    expect(await page.locator('select[name="owner"]').inputValue()).toBe('group:default/payments-team');
    expect(await page.locator('input[name="kind"][value="group"]').isChecked()).toBe(false);
    await page.close();
  });
});

describe('scorecards overview', () => {
  it('sorts teams by a column and filters them by name', async () => {
    const page = await openPage('scorecards/');
    const teams = () => page.locator('#scorecard-matrix tbody tr:visible th[scope="row"]').allTextContents();
    const before = await teams();
    expect(before.length).toBeGreaterThan(2);
    // Failing checks, fewest first, then most first.
    const header = page.locator('#scorecard-matrix thead th').nth(2);
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const failing = async () => (await page.locator('#scorecard-matrix tbody tr td:nth-child(3)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value')))));
    const ascending = await failing();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await header.locator('button').click();
    const descending = await failing();
    expect(descending).toEqual([...ascending].reverse());
    await page.locator('#team-filter').fill('pay');
    await expect.poll(teams).toEqual(['Payments']);
    expect(await page.locator('#team-count').textContent()).toBe(`1 of ${before.length} teams`);
    await page.close();
  });

  it('shows an entity its level and every check, with the fix for each failure', async () => {
    const page = await openPage('catalog/default/component/data-pipeline/');
    const card = page.locator('section.scorecard');
    expect(await card.locator('.badge.level').textContent()).toBe('No level');
    const failed = card.locator('li:has(.check-fail)');
    expect(await failed.first().textContent()).toContain('Has a description');
    expect(await failed.first().locator('.fix').textContent()).toContain('Add metadata.description');
    expect(await card.locator('.check-unknown').count()).toBeGreaterThan(0);
    await page.close();
  });
});

describe('interface icons', () => {
  it('are inline SVG, never emoji that need a font the reader may lack', async () => {
    const page = await openPage('catalog/default/component/payments-api/');
    const link = page.locator('a.docs-link');
    expect(await link.locator('svg.icon').count()).toBe(1);
    // The icon is drawn: it has a size, and the link's own text holds no emoji.
    const box = await link.locator('svg.icon').boundingBox();
    expect(box?.width).toBeGreaterThan(8);
    expect(await link.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
    const chrome = await page.locator('header, nav, .docs-link, footer').allTextContents();
    expect(chrome.join(' ')).not.toMatch(/\p{Extended_Pictographic}/u);
    await page.close();
  });
});

/** The Content-Security-Policy README.md recommends. */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; worker-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

describe('under the recommended Content-Security-Policy', () => {
  it('search and Mermaid diagrams work with no violation', async () => {
    const strict = await serveStatic(built.dist, { base: '/portal/', headers: { 'Content-Security-Policy': CSP } });
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(new URL('docs/default/component/payments-api/architecture/', strict.url).href);
    await expect.poll(() => page.locator('pre.mermaid svg').count()).toBeGreaterThan(0);
    await page.keyboard.press('/');
    await page.keyboard.type('refund');
    await expect.poll(() => page.locator('#search-results .search-title').allTextContents()).toContain('Payments REST API');
    await context.close();
    await strict.close();
    expect(violations).toEqual([]);
  });
});

describe('hosted under /portal/ on a plain static server', () => {
  it('every page loads with no failed request and no request outside the base path', async () => {
    const pages = (await readdir(built.dist, { recursive: true })).filter((f) => f.endsWith('index.html')).map((f) => f.replace(/index\.html$/, ''));
    expect(pages.length).toBeGreaterThan(50);
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const failures: string[] = [];
    const outside: string[] = [];
    for (const path of pages) {
      const page = await context.newPage();
      // Synchronous handlers: nothing may still be running against the page once it is closed.
      page.on('response', (response) => {
        const url = new URL(response.url());
        if (url.origin !== new URL(server.url).origin) outside.push(`${path}: ${response.url()}`);
        else if (!url.pathname.startsWith('/portal/')) outside.push(`${path}: ${url.pathname}`);
        if (response.status() >= 400) failures.push(`${path}: ${response.status()} ${url.pathname}`);
      });
      page.on('requestfailed', (request) => failures.push(`${path}: failed ${request.url()}`));
      const response = await page.goto(new URL(path, server.url).href, { waitUntil: 'load' });
      if (!response?.ok()) failures.push(`${path}: page ${response?.status()}`);
      const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      for (const href of links) {
        if (/^(https?:|mailto:|#)/.test(href)) continue;
        if (!href.startsWith('/portal/')) outside.push(`${path}: link ${href}`);
      }
      await page.close();
    }
    await context.close();
    expect(outside).toEqual([]);
    expect(failures).toEqual([]);
  });
});

describe('software templates', () => {
  it('lists every sample template in the gallery with its support level, and links each entity page to its form', async () => {
    const gallery = await readFile(join(built.dist, 'create/index.html'), 'utf8');
    for (const name of ['node-service', 'docs-site', 'typescript-library']) expect(gallery).toContain(`href="/portal/create/templates/default/${name}/"`);
    expect(gallery).toContain('Runs partly here');
    expect(gallery).toContain('only Backstage runs slack:sendMessage');
    const entity = await readFile(join(built.dist, 'catalog/default/template/node-service/index.html'), 'utf8');
    expect(entity).toContain('href="/portal/create/templates/default/node-service/"');
    // A skeleton chosen by a parameter (../../skeletons/ci/${{ parameters.ci }}) is bundled whole; binary files as base64.
    const data = JSON.parse(await readFile(join(built.dist, 'create/templates/default/node-service/template.json'), 'utf8'));
    expect(Object.keys(data.files)).toEqual(expect.arrayContaining(['skeletons/ci/tekton/.tekton/pipeline.yaml', 'skeletons/ci/github-actions/.github/workflows/deploy.yml']));
    expect(data.files['templates/node-service/skeleton/favicon.png']).toHaveProperty('base64');
  });

  it('keeps the form page\'s script under 80 KB gzipped, with no eval', async () => {
    const html = await readFile(join(built.dist, 'create/templates/default/node-service/index.html'), 'utf8');
    const seen = new Set<string>();
    const queue = [...html.matchAll(/<script[^>]+src="\/portal\/([^"]+)"/g)].map((m) => m[1] ?? '');
    let gzipped = 0;
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      const code = await readFile(join(built.dist, file), 'utf8');
      gzipped += gzipSync(code).length;
      expect(code, file).not.toMatch(/\beval\(|new Function\(/);
      // Static imports are loaded with the page; follow them.
      for (const m of code.matchAll(/(?:^|[;\n])import[^"']*["']\.\/([^"']+)["']|from["']\.\/([^"']+)["']/g)) queue.push(join(file, '..', m[1] ?? m[2] ?? ''));
    }
    expect(seen.size).toBeGreaterThan(1);
    expect(gzipped).toBeLessThan(80 * 1024);
  });

  it('fill a form with a picker and a conditional field, preview the files, and download the same project the CLI writes', async () => {
    const strict = await serveStatic(built.dist, { base: '/portal/', headers: { 'Content-Security-Policy': CSP } });
    const context = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: true });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy|unsafe-eval/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(new URL('create/templates/default/node-service/', strict.url).href);
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await expect.poll(() => name.count()).toBe(1);
    // Errors appear as the user types, in words, tied to the field for screen readers.
    await name.fill('Order History');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await name.getAttribute('aria-describedby'))?.split(' ').at(-1) ?? '';
    expect(await page.locator(`#${errorId}`).textContent()).toMatch(/letters and digits|expected form/);
    await name.fill('order-history');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('false');
    await page.getByRole('textbox', { name: 'Description' }).fill('Keeps every order a customer placed.');
    // The owner picker offers the catalog's teams, filled in at build time.
    const owner = page.getByRole('combobox', { name: 'Owner', exact: true });
    const listId = await owner.getAttribute('list');
    const offered = await page.locator(`#${listId} option`).evaluateAll((options) => options.map((o) => o.getAttribute('value')));
    expect(offered).toContain('group:default/payments-team');
    expect(offered.every((value) => value?.startsWith('group:'))).toBe(true);
    await owner.fill('group:default/payments-team');
    // A short name typed by hand becomes the full ref, with the picker's defaultKind.
    const system = page.getByRole('combobox', { name: 'System' });
    await system.fill('payments');
    await system.press('Tab');
    await expect.poll(() => system.inputValue()).toBe('system:default/payments');
    await page.getByRole('button', { name: 'Next' }).click();

    // The registry field exists only when Tekton is chosen (dependencies + oneOf).
    await expect.poll(() => page.getByRole('heading', { name: 'Build and run' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'Image registry' }).count()).toBe(0);
    await page.getByRole('radio', { name: 'Tekton pipelines' }).check();
    await expect.poll(() => page.getByRole('textbox', { name: 'Image registry' }).count()).toBe(1);
    await page.getByRole('textbox', { name: 'Image registry' }).fill('registry.acme.example/payments');
    await page.getByRole('checkbox', { name: 'Prometheus metrics' }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('combobox', { name: 'Owner', exact: true }).selectOption('acme');
    await page.getByRole('textbox', { name: 'Repository', exact: true }).fill('order-history');

    // The preview shows every generated file, updated as the user types.
    const tree = page.locator('.preview-tree');
    await expect.poll(() => tree.locator('button.file').allTextContents()).toContain('pipeline.yaml');
    await tree.getByRole('button', { name: 'pipeline.yaml' }).click();
    await expect.poll(() => page.locator('[data-file-contents]').textContent()).toContain('default: registry.acme.example/payments/order-history');
    await tree.getByRole('button', { name: 'catalog-info.yaml' }).click();
    await expect.poll(() => page.locator('[data-file-contents]').textContent()).toContain('system: system:default/payments');
    await tree.getByRole('button', { name: 'package.json' }).click();
    await expect.poll(() => page.locator('[data-file-contents]').textContent()).toContain('"prom-client"');

    await page.getByRole('button', { name: 'Review' }).click();
    await expect.poll(() => page.locator('.review-steps').textContent()).toContain('Creates the private repository acme/order-history on github.com');
    expect(await page.locator('.review-steps').textContent()).toContain('the next portal build finds the new repository');
    const command = (await page.locator('[data-command]').textContent()) ?? '';
    expect(command).toMatch(/^npx playbill create template:default\/node-service --values '/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download .*\.zip/ }).click()]);
    const zipped = unzipSync(new Uint8Array(await readFile((await download.path()) ?? '')));
    await context.close();
    await strict.close();
    expect(violations).toEqual([]);

    // The CLI, given the values the page's command carries, writes the same files, byte for byte.
    const values = /--values '([^']*)'/.exec(command)?.[1] ?? '';
    const out = await mkdtemp(join(tmpdir(), 'playbill-create-'));
    const lines: string[] = [];
    const code = await createProject(
      { template: 'template:default/node-service', values, out, publish: false, force: false },
      { cwd: process.cwd(), env: { ...process.env, PLAYBILL_CONFIG: 'test/fixtures/portal-under-base/playbill.config.yaml' }, out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    expect(code, lines.join('\n')).toBe(0);
    const written = (await readdir(out, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(out.length + 1)).sort();
    const inZip = Object.keys(zipped).map((path) => path.replace(/^order-history\//, '')).sort();
    expect(inZip).toEqual(written);
    expect(written).toContain('.tekton/pipeline.yaml');
    for (const path of written) expect(Buffer.from(zipped[`order-history/${path}`] ?? []).equals(await readFile(join(out, path))), path).toBe(true);
    await rm(out, { recursive: true, force: true });
  });
});
