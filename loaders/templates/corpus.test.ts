import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CORPUS_DIR, describeWithCorpus } from '../../test/support/corpus.ts';
import { diskTemplateFiles } from './disk-files.ts';
import { runTemplate } from './run-template.ts';
import { templateSpecSchema } from './template-spec.ts';

const casesSchema = z.array(z.object({ id: z.string(), template: z.string(), parameters: z.record(z.string(), z.unknown()) }));

async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = new Map<string, Buffer>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(relative(dir, full).split(sep).join('/'), await readFile(full));
  }
  return files;
}

describeWithCorpus('software templates render exactly what Backstage writes', () => {
  const root = join(CORPUS_DIR, 'templates');
  it('every case with expected files matches file for file, byte for byte', async () => {
    const cases = casesSchema.parse(JSON.parse(await readFile(join(root, 'cases.json'), 'utf8')));
    const repository = join(root, 'backstage-software-templates');
    let compared = 0;
    for (const testCase of cases) {
      const expected = await filesUnder(join(root, 'expected', testCase.id));
      const document: unknown = parse(await readFile(join(repository, testCase.template), 'utf8'));
      const spec = templateSpecSchema.parse(z.object({ spec: z.unknown() }).parse(document).spec);
      const result = await runTemplate({ spec, templatePath: testCase.template, files: diskTemplateFiles(repository), parameters: testCase.parameters });
      expect(result.error, testCase.id).toBeUndefined();
      const actual = new Map([...result.files].map(([path, bytes]) => [path, Buffer.from(bytes)]));
      expect([...actual.keys()].sort(), testCase.id).toEqual([...expected.keys()].sort());
      for (const [path, bytes] of expected) {
        expect(actual.get(path)?.toString('utf8'), `${testCase.id}/${path}`).toBe(bytes.toString('utf8'));
        expect(actual.get(path)?.equals(bytes), `${testCase.id}/${path} bytes`).toBe(true);
      }
      if (expected.size > 0) compared += 1;
    }
    // 7 of the 9 cases build files here; the other two use fetch:cookiecutter and fetch:rails.
    expect(compared).toBe(7);
  });
});
