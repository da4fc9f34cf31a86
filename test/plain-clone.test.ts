/**
 * A plain clone has no ../shared/corpus beside it: the tests that need the corpus must skip
 * with a line saying so (and the rest pass), and CI, which has the corpus, must fail rather
 * than skip them silently.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from './support/build-portal.ts';

const ROOT = join(import.meta.dirname, '..');
const CORPUS_TESTS = ['loaders/catalog/conformance.test.ts', 'loaders/docs/entity-docs.test.ts', 'loaders/templates/corpus.test.ts', 'loaders/apis/highlight-definition.test.ts'];

async function runCorpusTests(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const base = cleanEnv();
  delete base['PLAYBILL_REQUIRE_CORPUS'];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...CORPUS_TESTS], {
      cwd: ROOT,
      env: { ...base, PLAYBILL_CORPUS_DIR: '/nonexistent/shared/corpus', NO_COLOR: '1', ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('a clone with no shared corpus beside it', () => {
  it('passes, and says in one line per suite which corpus tests it skipped and why', async () => {
    const { code, output } = await runCorpusTests({});
    expect(code, output).toBe(0);
    const lines = output.split('\n').filter((l) => l.startsWith('corpus tests skipped:'));
    expect(lines).toHaveLength(CORPUS_TESTS.length);
    expect(lines[0]).toContain('needs /nonexistent/shared/corpus, which a plain clone does not have');
    expect(output).toMatch(/Tests\s+\d+ passed/);
  });

  it('fails when the corpus is required (as .ci/run requires it)', async () => {
    const { code, output } = await runCorpusTests({ PLAYBILL_REQUIRE_CORPUS: '1' });
    expect(code).not.toBe(0);
    expect(output).toContain('PLAYBILL_REQUIRE_CORPUS=1 but the shared corpus is not at /nonexistent/shared/corpus');
  });
});
