/**
 * `node bench/search-cost.ts <dist>...`: what a search index costs: bytes on disk, and bytes
 * the first query downloads in Chromium (Pagefind's code and WebAssembly, its entry file,
 * the index and filter chunks it needs, and the fragments of the results shown).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from '../test/support/chromium.ts';
import { serveStatic } from '../test/support/static-server.ts';

for (const dist of process.argv.slice(2)) {
  let disk = 0;
  let files = 0;
  for (const entry of await readdir(join(dist, 'pagefind'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /-ui\.|highlight|component/.test(entry.name)) continue;
    disk += (await stat(join(entry.parentPath, entry.name))).size;
    files++;
  }
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(server.url);
  let bytes = 0;
  const fetched: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().includes('/pagefind/')) return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    bytes += body.length;
    fetched.push(response.url());
  });
  await page.keyboard.press('/');
  await page.keyboard.type('payment refund');
  await page.waitForSelector('#search-results .search-result', { timeout: 30_000 });
  await page.waitForTimeout(1500);
  const pages = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('index.html')).length;
  process.stdout.write(`${dist}: ${pages} pages; index on disk ${(disk / 1024 / 1024).toFixed(2)} MiB in ${files} files; first query downloaded ${(bytes / 1024).toFixed(0)} KiB in ${fetched.length} requests\n`);
  await browser.close();
  await server.close();
}
