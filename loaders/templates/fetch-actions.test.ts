import { describe, expect, it } from 'vitest';
import type { TemplateFiles } from './fetch-actions.ts';
import { memoryTemplateFiles } from './template-files.ts';
import { runTemplate } from './run-template.ts';


async function run(steps: { action: string; input: Record<string, unknown> }[], files: Record<string, string | Uint8Array>, parameters: Record<string, unknown> = {}) {
  const result = await runTemplate({ spec: { steps }, templatePath: 't/template.yaml', files: memoryTemplateFiles(Object.entries(files)), parameters });
  const text = Object.fromEntries([...result.files].map(([path, bytes]) => [path, new TextDecoder().decode(bytes)]));
  return { result, text };
}

const VALUES = { name: 'svc', tags: ['a', 'b'] };

describe("fetch:template follows Backstage's rules", () => {
  it('renders names and contents, and skips a file whose name renders empty', async () => {
    const { text } = await run([{ action: 'fetch:template', input: { url: './skel', values: VALUES } }], {
      't/skel/${{ values.name }}/README.md': '# ${{ values.name }}',
      't/skel/${{ values.missing }}': 'skipped',
      't/skel/${{ values.missing }}/inner.txt': 'skipped too',
    });
    expect(text).toEqual({ 'svc/README.md': '# svc' });
  });

  it('templateFileExtension: only .njk files are rendered (and lose the extension); every name is rendered', async () => {
    const { text } = await run([{ action: 'fetch:template', input: { url: './skel', values: VALUES, templateFileExtension: true } }], {
      't/skel/README.md.njk': '# ${{ values.name }}',
      't/skel/${{ values.name }}.txt': 'kept as is: ${{ values.name }}',
      't/skel/.njk': 'a dot file is not an extension',
    });
    expect(text).toEqual({ 'README.md': '# svc', 'svc.txt': 'kept as is: ${{ values.name }}', '.njk': 'a dot file is not an extension' });
  });

  it('templateFileExtension may name another extension, with or without its dot', async () => {
    const { text } = await run([{ action: 'fetch:template', input: { url: './skel', values: VALUES, templateFileExtension: 'jinja2' } }], { 't/skel/a.yaml.jinja2': 'n: ${{ values.name }}', 't/skel/b.njk': '${{ values.name }}' });
    expect(text).toEqual({ 'a.yaml': 'n: svc', 'b.njk': '${{ values.name }}' });
  });

  it('copyWithoutRender: matched files keep their contents and their names', async () => {
    const { text } = await run([{ action: 'fetch:template', input: { url: './skel', values: VALUES, copyWithoutRender: ['docs/**'] } }], {
      't/skel/docs/${{ values.name }}.md': '${{ values.name }}',
      't/skel/main.txt': '${{ values.name }}',
    });
    expect(text).toEqual({ 'docs/${{ values.name }}.md': '${{ values.name }}', 'main.txt': 'svc' });
  });

  it('copyWithoutTemplating: matched files keep their contents, their names are rendered', async () => {
    const { text } = await run([{ action: 'fetch:template', input: { url: './skel', values: VALUES, copyWithoutTemplating: ['.github/workflows/*'] } }], {
      't/skel/.github/workflows/${{ values.name }}.yml': 'branch: ${{ github.ref }}',
    });
    expect(text).toEqual({ '.github/workflows/svc.yml': 'branch: ${{ github.ref }}' });
  });

  it('cookiecutterCompat: {{ cookiecutter.x }} and jsonify', async () => {
    const { text } = await run([{ action: 'fetch:template', input: { url: './skel', values: VALUES, cookiecutterCompat: true } }], {
      't/skel/{{ cookiecutter.name }}.json': '{"name": {{ cookiecutter.name | jsonify }}, "tags": {{ cookiecutter.tags | jsonify }}} ${{ cookiecutter.name }}',
    });
    expect(text).toEqual({ 'svc.json': '{"name": "svc", "tags": ["a","b"]} $svc' });
  });

  it('targetPath, and replace deciding whether a later step overwrites', async () => {
    const files = { 't/one/a.txt': 'first', 't/two/a.txt': 'second' };
    const kept = await run([{ action: 'fetch:template', input: { url: './one', targetPath: 'sub' } }, { action: 'fetch:template', input: { url: './two', targetPath: 'sub' } }], files);
    expect(kept.text).toEqual({ 'sub/a.txt': 'first' });
    const replaced = await run([{ action: 'fetch:template', input: { url: './one', targetPath: 'sub' } }, { action: 'fetch:template', input: { url: './two', targetPath: './sub/', replace: true } }], files);
    expect(replaced.text).toEqual({ 'sub/a.txt': 'second' });
  });

  it('copies binary files byte for byte, never rendering them', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x24, 0x7b, 0x7b]);
    const { result } = await run([{ action: 'fetch:template', input: { url: './skel' } }], { 't/skel/logo.png': png });
    expect([...(result.files.get('logo.png') ?? [])]).toEqual([...png]);
  });

  it('refuses inputs Backstage refuses', async () => {
    const both = await run([{ action: 'fetch:template', input: { url: './s', copyWithoutRender: ['a'], copyWithoutTemplating: ['b'] } }], { 't/s/a': 'x' });
    expect(both.result.error?.message).toBe('copyWithoutRender and copyWithoutTemplating can not be used at the same time');
    const extension = await run([{ action: 'fetch:template', input: { url: './s', templateFileExtension: true, cookiecutterCompat: true } }], { 't/s/a': 'x' });
    expect(extension.result.error?.message).toMatch(/input extension incompatible/);
    const missing = await run([{ action: 'fetch:template', input: { url: './nowhere' } }], {});
    expect(missing.result.error?.message).toMatch(/there is no folder "\.\/nowhere"/);
  });
});

describe('the other file actions', () => {
  it('fetch:plain copies a folder unchanged, under targetPath', async () => {
    const { text } = await run([{ action: 'fetch:plain', input: { url: '../shared', targetPath: 'vendor' } }], { 'shared/${{ x }}.txt': '${{ x }}', 'shared/deep/b.txt': 'b' });
    expect(text).toEqual({ 'vendor/${{ x }}.txt': '${{ x }}', 'vendor/deep/b.txt': 'b' });
  });

  it('fetch:plain:file and fetch:template:file write one file at targetPath', async () => {
    const { text } = await run(
      [
        { action: 'fetch:plain:file', input: { url: './LICENSE', targetPath: 'LICENSE' } },
        { action: 'fetch:template:file', input: { url: './npmrc', targetPath: 'config/.npmrc', values: VALUES } },
        { action: 'fetch:template:file', input: { url: './npmrc', targetPath: 'LICENSE', values: VALUES } },
      ],
      { 't/LICENSE': 'MIT ${{ x }}', 't/npmrc': 'name=${{ values.name }}' },
    );
    // The second fetch:template:file does not replace the existing LICENSE (no replace: true).
    expect(text).toEqual({ LICENSE: 'MIT ${{ x }}', 'config/.npmrc': 'name=svc' });
  });

  it('remote skeletons are left to Backstage and said so, the rest still runs', async () => {
    const { result, text } = await run(
      [
        { action: 'fetch:plain', input: { url: 'https://github.com/acme/x/tree/main/docs' } },
        { action: 'fetch:template', input: { url: './s' } },
      ],
      { 't/s/a.txt': 'a' },
    );
    expect(result.steps[0]?.outcome).toBe('not-run');
    expect(result.steps[0]?.detail).toContain('only Backstage fetches');
    expect(text).toEqual({ 'a.txt': 'a' });
  });
});

describe('step inputs and conditions, as the workflow runner renders them', () => {
  it('keeps the JSON type of a single expression, drops empty values, and skips a step whose if: is false', async () => {
    const { result, text } = await run(
      [
        { action: 'fetch:template', input: { url: './s', values: { port: '${{ parameters.port }}', list: '${{ parameters.list }}', text: 'p-${{ parameters.port }}', none: '${{ parameters.missing }}' } } },
        { action: 'fetch:template', input: { url: './other' } },
      ],
      { 't/s/v.json': '${{ values | dump }}', 't/other/x.txt': 'x' },
      { port: 8080, list: ['a'] },
    );
    expect(JSON.parse(text['v.json'] ?? '')).toEqual({ port: 8080, list: ['a'], text: 'p-8080' });
    expect(result.steps.map((s) => s.outcome)).toEqual(['wrote', 'wrote']);
    const skipped = await runTemplate({
      spec: { steps: [{ action: 'fetch:template', if: '${{ parameters.enabled }}', input: { url: './s' } }, { action: 'fetch:template', if: '${{ parameters.list }}', input: { url: './other' } }] },
      templatePath: 't/template.yaml',
      files: memoryTemplateFiles(Object.entries({ 't/s/a': 'a', 't/other/b': 'b' })),
      parameters: { enabled: false, list: [] },
    });
    expect(skipped.steps.map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
    expect(skipped.files.size).toBe(0);
  });
});
