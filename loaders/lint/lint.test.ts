import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/playbill.mjs');

/** Runs the real CLI, the way a workflow would, and returns its output and exit code. */
async function playbill(args: string[], cwd = ROOT): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd });
    return { stdout, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; code: number };
    return { stdout: failed.stdout, code: failed.code };
  }
}

describe('playbill lint', () => {
  it('passes the sample organisation with exit 0 (warnings only)', async () => {
    const { stdout, code } = await playbill(['lint', 'content']);
    expect(code).toBe(0);
    expect(stdout).toMatchInlineSnapshot(`
      "content/notifications/catalog-info.yaml:16:15  warning  spec.dependsOn refers to resource:default/smtp-relay, which is not in the catalog; check the name, kind and namespace  (component:default/notifications)
      0 errors, 1 warning
      "
    `);
  });

  it('agrees with Backstage on a techdocs-ref it cannot build from: a warning, exit 0', async () => {
    const { stdout, code } = await playbill(['lint', 'test/fixtures/techdocs-elsewhere']);
    expect(code).toBe(0);
    expect(stdout).toMatchInlineSnapshot(`
      "test/fixtures/techdocs-elsewhere/archived-docs/catalog-info.yaml:2  warning  backstage.io/techdocs-ref "s3" is not a location Playbill can build docs from; use dir:<folder> (e.g. dir:.) or url:<repository URL>; the entity is kept, its docs are not built  (component:default/archived-docs)
      test/fixtures/techdocs-elsewhere/archived-docs/catalog-info.yaml:11:3  warning  spec.owner refers to user:default/guest, which is not in the catalog; check the name, kind and namespace  (component:default/archived-docs)
      0 errors, 2 warnings
      "
    `);
  });

  it('exits 1 on errors and prints file:line:column', async () => {
    const { stdout, code } = await playbill(['lint', 'test/fixtures/broken-org/placeholders', 'test/fixtures/broken-org/syntax']);
    expect(code).toBe(1);
    expect(stdout).toMatchInlineSnapshot(`
      "test/fixtures/broken-org/placeholders/catalog-info.yaml:10:5  error  $text target "../../../etc/passwd" leaves the repository; use a path inside it  (api:default/escapes)
      test/fixtures/broken-org/placeholders/catalog-info.yaml:21:5  error  $text target "./nope.yaml" does not exist (looked for nope.yaml)  (api:default/missing-file)
      test/fixtures/broken-org/placeholders/catalog-info.yaml:31:5  error  $json target "./broken.json" is not valid JSON: Unexpected end of JSON input  (group:default/bad-json)
      test/fixtures/broken-org/placeholders/catalog-info.yaml:40:3  warning  spec.owner refers to group:default/team-a, which is not in the catalog; check the name, kind and namespace  (component:default/json-schema-ref)
      test/fixtures/broken-org/syntax/catalog-info.yaml:6:3  warning  spec.owner refers to group:default/team-a, which is not in the catalog; check the name, kind and namespace  (system:default/first)
      test/fixtures/broken-org/syntax/catalog-info.yaml:24:1  error  YAML syntax error: Missing closing "quote
      4 errors, 2 warnings
      "
    `);
  });

  it('writes GitHub workflow annotations, escaped', async () => {
    const { stdout } = await playbill(['lint', '--format', 'github', 'test/fixtures/broken-org/locations']);
    expect(stdout).toMatchInlineSnapshot(`
      "::warning file=test/fixtures/broken-org/locations/a.yaml,line=8,col=3,title=Playbill%3A component%3Adefault/from-a::spec.owner refers to group:default/team-a, which is not in the catalog; check the name, kind and namespace
      ::warning file=test/fixtures/broken-org/locations/a.yaml,line=16,col=3,title=Playbill%3A location%3Adefault/back-to-root::Location target catalog-info.yaml was already read; this target is a cycle or a duplicate and is skipped
      ::error file=test/fixtures/broken-org/locations/catalog-info.yaml,line=9,col=7,title=Playbill%3A location%3Adefault/root::Location target missing.yaml does not exist; fix the path or mark the Location "presence: optional"
      ::error file=test/fixtures/broken-org/locations/catalog-info.yaml,line=10,col=7,title=Playbill%3A location%3Adefault/root::Location target "../outside.yaml" leaves the repository; targets must stay inside it
      ::warning file=test/fixtures/broken-org/locations/catalog-info.yaml,line=11,col=7,title=Playbill%3A location%3Adefault/root::Location target https://github.com/other/repo/blob/main/catalog-info.yaml is outside this repository and is not followed; add that repository as a source instead
      ::warning file=test/fixtures/broken-org/locations/sub/one.yaml,line=7,col=3,title=Playbill%3A resource%3Adefault/sub-one::spec.owner refers to group:default/team-a, which is not in the catalog; check the name, kind and namespace
      ::warning file=test/fixtures/broken-org/locations/sub/two.yaml,line=7,col=3,title=Playbill%3A resource%3Adefault/sub-two::spec.owner refers to group:default/team-a, which is not in the catalog; check the name, kind and namespace
      Playbill lint: 2 errors, 5 warnings
      "
    `);
  });

  it('writes JSON with paths relative to where it runs', async () => {
    const { stdout, code } = await playbill(['lint', '--format', 'json', 'catalog-info.yaml'], join(ROOT, 'test/fixtures/broken-org/refs'));
    expect(code).toBe(1);
    const problems = JSON.parse(stdout);
    expect(problems[0]).toMatchObject({ severity: 'warning', file: 'catalog-info.yaml', line: 8, column: 3, entityRef: 'component:default/refs' });
  });

  it('can skip references to other repositories', async () => {
    const { stdout } = await playbill(['lint', '--ignore-missing-refs', 'test/fixtures/broken-org/refs']);
    expect(stdout).not.toContain('not in the catalog');
    expect(stdout).toContain('has no kind');
  });

  it('reads a single file as the build does, placeholders included', async () => {
    const { stdout, code } = await playbill(['lint', 'catalog-info.yaml'], join(ROOT, 'test/fixtures/broken-org/apis'));
    expect(code).toBe(0);
    expect(stdout).toContain('is not fetched at build time');
  });

  it('checks the docs a descriptor points at: broken links with file and line', async () => {
    const { stdout, code } = await playbill(['lint', '--ignore-missing-refs', '--extra-kind', 'Environment', 'test/fixtures/site/repos/web']);
    expect(code).toBe(0);
    expect(stdout).toMatchInlineSnapshot(`
      "test/fixtures/site/repos/web/docs/index.md:11:5  warning  link "old.md" points at old.md, which does not exist  (component:default/web)
      0 errors, 1 warning
      "
    `);
  });

  it('reports a template whose steps cannot run, as the build does', async () => {
    const { stdout, code } = await playbill(['lint', 'test/fixtures/broken-org/templates']);
    expect(code).toBe(1);
    expect(stdout).toContain('test/fixtures/broken-org/templates/catalog-info.yaml:2  error  this template cannot run: spec.steps.0.action: Invalid input: expected string, received number  (template:default/broken-steps)');
  });

  it('rejects an unknown format and a missing path', async () => {
    expect((await playbill(['lint', '--format', 'xml'])).code).toBe(2);
    const missing = await playbill(['lint', 'no/such/file.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no/such/file.yaml does not exist');
  });

  it('fails when the paths hold no descriptor at all, instead of passing with nothing checked', async () => {
    const empty = await playbill(['lint', 'test/fixtures/plugins']);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain('no catalog-info.yaml found in test/fixtures/plugins: nothing was checked');
    expect(empty.stdout).not.toContain('No problems found');
  });
});
