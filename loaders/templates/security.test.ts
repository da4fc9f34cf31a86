import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateRenderError, TemplateSyntaxError } from './nunjucks/render.ts';
import { runTemplate } from './run-template.ts';
import type { TemplateFiles } from './fetch-actions.ts';
import { memoryTemplateFiles } from './template-files.ts';


function fetchStep(input: Record<string, unknown>) {
  return { spec: { steps: [{ id: 'fetch', action: 'fetch:template', input }] }, templatePath: 'templates/t/template.yaml' };
}

declare global {
  var __playbillPwned: unknown;
}

describe('a template cannot run code of its author', () => {
  // The known ways out of Nunjucks' sandbox; each must render inert (empty, or a template error).
  const ESCAPES = [
    '${{ "".constructor.constructor("globalThis.__playbillPwned = 1")() }}',
    '${{ range.constructor("globalThis.__playbillPwned = 2")() }}',
    '${{ cycler.constructor("globalThis.__playbillPwned = 3")() }}',
    '${{ joiner.constructor.constructor("globalThis.__playbillPwned = 4")() }}',
    '{% set f = range %}${{ f["constructor"]("globalThis.__playbillPwned = 5")() }}',
    '${{ values.name.toString.constructor("globalThis.__playbillPwned = 6")() }}',
    '${{ [].constructor.constructor("globalThis.__playbillPwned = 7")() }}',
    '${{ values.__proto__.constructor.constructor("globalThis.__playbillPwned = 8")() }}',
    '${{ values["__proto__"]["__defineGetter__"] }}',
    '${{ values.constructor.prototype }}${{ values.prototype }}${{ values.__proto__ }}',
    '${{ (values.name | replace("a", "b")).constructor }}',
    '{% set x = {"__proto__": {"polluted": "yes"} } %}${{ x.polluted }}${{ {}.polluted }}',
    '${{ values.tags.push.constructor("globalThis.__playbillPwned = 9")() }}',
    '${{ values.name.replace.call }}${{ values.name.replace.apply }}${{ values.name.replace.bind }}',
    '{% macro m() %}x{% endmacro %}${{ m.constructor("globalThis.__playbillPwned = 10")() }}',
  ];

  it.each(ESCAPES)('%s', (source) => {
    let output = '';
    try {
      output = renderTemplate(source, { values: { name: 'demo', tags: ['a'] } });
    } catch (error) {
      expect(error instanceof TemplateRenderError || error instanceof TemplateSyntaxError).toBe(true);
    }
    expect(globalThis.__playbillPwned).toBeUndefined();
    expect(output).not.toMatch(/function|native code|\[object Function\]|polluted|yes/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('a template writes nothing outside the new project and reads nothing outside its repository', () => {
  it('refuses a file name that renders to ../', async () => {
    const result = await runTemplate({
      ...fetchStep({ url: './skeleton', values: { name: '../../../outside' } }),
      files: memoryTemplateFiles(Object.entries({ 'templates/t/skeleton/${{ values.name }}.txt': 'x' })),
      parameters: {},
    });
    expect(result.error?.message).toMatch(/leaves the new project's folder/);
    expect([...result.files.keys()]).toEqual([]);
  });

  it('refuses an absolute targetPath', async () => {
    const result = await runTemplate({ ...fetchStep({ url: './skeleton', targetPath: '/etc' }), files: memoryTemplateFiles(Object.entries({ 'templates/t/skeleton/a.txt': 'x' })), parameters: {} });
    expect(result.error?.message).toMatch(/"\/etc" is absolute/);
    expect(result.files.size).toBe(0);
  });

  it('refuses a skeleton outside the repository, also from a parameter', async () => {
    const result = await runTemplate({
      spec: { steps: [{ action: 'fetch:template', input: { url: '${{ parameters.where }}' } }] },
      templatePath: 'templates/t/template.yaml',
      files: memoryTemplateFiles(Object.entries({ 'secret.txt': 'x' })),
      parameters: { where: '../../../../etc' },
    });
    expect(result.error?.message).toMatch(/outside the template's repository/);
  });

  it('refuses a fetch:plain:file target that climbs out', async () => {
    const result = await runTemplate({
      spec: { steps: [{ action: 'fetch:plain:file', input: { url: './a.txt', targetPath: 'docs/../../a.txt' } }] },
      templatePath: 'templates/t/template.yaml',
      files: memoryTemplateFiles(Object.entries({ 'templates/t/a.txt': 'x' })),
      parameters: {},
    });
    expect(result.error?.message).toMatch(/leaves the new project's folder/);
  });
});

describe('a runaway template stops with a clear error', () => {
  it('a huge range', () => {
    expect(() => renderTemplate('{% for i in range(1000000000) %}x{% endfor %}', {})).toThrow(/range\(\) of 1000000000 items is over the limit/);
  });
  it('a string that doubles in a loop', () => {
    expect(() => renderTemplate('{% set s = "xxxxxxxx" %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}${{ s | length }}', {})).toThrow(/over the limit of \d+; it looks like a runaway loop/);
  });
  it('nested loops that would run for hours', () => {
    expect(() => renderTemplate('{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}', {})).toThrow(/more than 2000000 steps/);
  });
  it('output of gigabytes', () => {
    expect(() => renderTemplate('{% for a in range(3000) %}{% for b in range(600) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}', {})).toThrow(/output passed \d+ characters/);
  });
  it('a macro that calls itself forever', () => {
    expect(() => renderTemplate('{% macro m(n) %}${{ m(n + 1) }}{% endmacro %}${{ m(0) }}', {})).toThrow(/called itself more than 64 deep/);
  });
  it('a skeleton that writes too many files', async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`templates/t/skeleton/f${i}.txt`, 'x']));
    const result = await runTemplate({ ...fetchStep({ url: './skeleton' }), files: memoryTemplateFiles(Object.entries(files)), parameters: {}, limits: { maxFiles: 10, maxBytes: 1e6 } });
    expect(result.error?.message).toMatch(/more than 10 files/);
  });
});
