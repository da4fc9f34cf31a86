import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'playbill-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.PLAYBILL_SITE_BASE;
  delete process.env.PLAYBILL_SITE_URL;
});

async function configFrom(text: string) {
  await writeFile(join(dir, 'playbill.config.yaml'), text);
  return loadConfig('playbill.config.yaml', dir);
}

describe('playbill.config.yaml', () => {
  it('fills in defaults', async () => {
    const { config } = await configFrom('sources:\n  - local: { path: ./content }\n');
    expect(config.site).toEqual({ title: 'Developer portal', base: '/' });
    expect(config.catalog.extraKinds).toEqual([]);
  });

  it('lists every problem with its line, and stops', async () => {
    await expect(configFrom('site:\n  base: portal\n  url: ftp://x\nsources: []\ncolour: blue\n')).rejects.toThrowErrorMatchingInlineSnapshot(`
      [Error: Invalid config playbill.config.yaml:
        playbill.config.yaml:3:3 site.url: Invalid URL
        playbill.config.yaml:2:3 site.base: must start and end with "/", e.g. "/" or "/portal/"
        playbill.config.yaml:4:1 sources: list at least one source
        playbill.config.yaml:5:1 colour: Unrecognized key: "colour"]
    `);
  });

  it('lists every YAML error and every unknown key, not only the first', async () => {
    await expect(configFrom('site:\n  title: a\n  title: b\nsources:\n  - local: { path: ./content }\nextra: [1, 2\n')).rejects.toThrowErrorMatchingInlineSnapshot(`
      [Error: Invalid config playbill.config.yaml:
        playbill.config.yaml:3:3: YAML syntax error: Map keys must be unique
        playbill.config.yaml:7:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]]
    `);
    await expect(configFrom('sources:\n  - local: { path: ./content }\ncolour: blue\nshape: round\n')).rejects.toThrowErrorMatchingInlineSnapshot(`
      [Error: Invalid config playbill.config.yaml:
        playbill.config.yaml:3:1 colour: Unrecognized key: "colour"
        playbill.config.yaml:4:1 shape: Unrecognized key: "shape"]
    `);
  });

  it('says where to put a missing config', () => {
    expect(() => loadConfig('nope.yaml', dir)).toThrowErrorMatchingInlineSnapshot(`[Error: Config file nope.yaml not found; create it or set PLAYBILL_CONFIG to its path]`);
  });

  it('takes the site URL and base from the environment when a deploy sets them', async () => {
    process.env.PLAYBILL_SITE_URL = 'https://acme.github.io';
    process.env.PLAYBILL_SITE_BASE = 'developer-portal';
    const { config } = await configFrom('site: { title: X }\nsources:\n  - local: { path: ./content }\n');
    expect(config.site).toEqual({ title: 'X', url: 'https://acme.github.io', base: '/developer-portal/' });
  });
});
