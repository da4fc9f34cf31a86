import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGithubWrites, type FakeGithubWrites } from '../../test/support/fake-github-writes.ts';
import { createProject } from './create-command.ts';

const TOKEN = 'ghp_fake_publish_token_1234567890';
const SAMPLE = join(import.meta.dirname, '../../content/service-templates');
const SERVICE = join(SAMPLE, 'templates/node-service/template.yaml');
const VALUES = {
  name: 'order-history',
  owner: 'group:default/payments-team',
  ci: 'github-actions',
  repoUrl: 'github.com?owner=acme&repo=order-history',
};

let github: FakeGithubWrites;
let work: string;
beforeAll(async () => {
  github = await startFakeGithubWrites({ token: TOKEN, orgs: ['acme'], user: 'ann' });
  work = await mkdtemp(join(tmpdir(), 'playbill-create-'));
});
afterAll(async () => {
  await github.close();
  await rm(work, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}, values: unknown = VALUES) {
  const lines: string[] = [];
  const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const code = await createProject(
    { template: SERVICE, root: SAMPLE, values: JSON.stringify(values), out, publish: args.includes('--publish'), force: false },
    { cwd: work, env: { ...env }, out: (l) => lines.push(l), err: (l) => lines.push(l) },
  );
  return { code, output: lines.join('\n'), out };
}

async function filesIn(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const entry of entries) if (entry.isFile()) files.set(join(entry.parentPath, entry.name).slice(dir.length + 1), await readFile(join(entry.parentPath, entry.name)));
  return files;
}

describe('npx playbill create', () => {
  it('writes the files and says what every other step would do', async () => {
    const { code, output, out } = await run([]);
    expect(code, output).toBe(0);
    const files = await filesIn(out);
    expect([...files.keys()].sort()).toContain('.github/workflows/deploy.yml');
    expect(files.get('catalog-info.yaml')?.toString()).toContain('owner: group:default/payments-team');
    // copyWithoutTemplating: GitHub's own ${{ }} stays for GitHub.
    expect(files.get('.github/workflows/build.yml')?.toString()).toContain('${{ github.head_ref }}');
    expect(output).toContain('Creates the private repository acme/order-history on github.com');
    expect(output).toContain('Not run: add --publish.');
    expect(output).toContain('nothing to do: the next portal build finds the new repository');
    expect(github.requests).toHaveLength(0);
  });

  it('says which values do not fill in the form, and writes nothing', async () => {
    const { code, output, out } = await run([], {}, { name: 'Order History', ci: 'tekton' });
    expect(code).toBe(1);
    expect(output).toContain('name: Use 1 to 63 letters and digits');
    expect(output).toContain('registry: Image registry is required.');
    expect(output).toContain('owner: Owner is required.');
    await expect(readdir(out)).rejects.toThrow();
  });

  it('does not overwrite files that are already there', async () => {
    const out = join(work, 'existing');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'package.json'), 'mine');
    const lines: string[] = [];
    const code = await createProject({ template: SERVICE, root: SAMPLE, values: JSON.stringify(VALUES), out, publish: false, force: false }, { cwd: work, env: {}, out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain('not overwriting 1 existing file(s)');
    expect(await readFile(join(out, 'package.json'), 'utf8')).toBe('mine');
  });

  it('--publish needs a token, and says so', async () => {
    const { code, output } = await run(['--publish']);
    expect(code).toBe(1);
    expect(output).toContain('--publish needs GITHUB_TOKEN');
  });

  it('--publish creates the repository in the org and pushes the files as one first commit on main', async () => {
    const { code, output, out } = await run(['--publish'], { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl });
    expect(code, output).toBe(0);
    const repo = github.repository('acme', 'order-history');
    expect(repo?.private).toBe(true);
    expect(repo?.topics).toEqual(['typescript', 'service']);
    const pushed = github.filesAt('acme', 'order-history', 'main');
    const local = await filesIn(out);
    expect([...pushed.keys()].sort()).toEqual([...local.keys()].sort());
    for (const [path, bytes] of local) expect(pushed.get(path)?.equals(bytes), path).toBe(true);
    const history = github.history('acme', 'order-history', 'main');
    expect(history).toHaveLength(1);
    expect(history[0]?.message).toBe('initial commit');
    expect(output).toMatch(/created http:\/\/127\.0\.0\.1:\d+\/acme\/order-history with \d+ files in one commit on main/);
    // The token is sent to GitHub and nowhere else: not in the output.
    expect(output).not.toContain(TOKEN);
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
  });

  it('--publish fails clearly when the repository exists, after writing the files locally', async () => {
    const { code, output } = await run(['--publish'], { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl });
    expect(code).toBe(1);
    expect(output).toContain('GitHub refused it (422)');
    expect(output).toContain('Wrote');
  });

  it('--publish opens a pull request for publish:github:pull-request', async () => {
    github.addRepository('acme', 'catalog', { 'README.md': 'existing' });
    const template = join(work, 'pr-template');
    await mkdir(join(template, 'files'), { recursive: true });
    await writeFile(join(template, 'files/catalog-info.yaml'), 'name: ${{ values.name }}\n');
    await writeFile(
      join(template, 'template.yaml'),
      [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata: { name: pr }',
        'spec:',
        '  steps:',
        '    - { id: fetch, action: fetch:template, input: { url: ./files, values: { name: "${{ parameters.name }}" } } }',
        '    - id: pr',
        '      action: publish:github:pull-request',
        '      input: { repoUrl: "github.com?owner=acme&repo=catalog", branchName: "add-${{ parameters.name }}", title: "Add ${{ parameters.name }}", targetPath: "${{ parameters.name }}" }',
      ].join('\n'),
    );
    const lines: string[] = [];
    const code = await createProject(
      { template: join(template, 'template.yaml'), root: template, values: '{"name": "billing"}', out: join(work, 'pr-out'), publish: true, force: false },
      { cwd: work, env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl }, out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    expect(code, lines.join('\n')).toBe(0);
    const branch = github.filesAt('acme', 'catalog', 'add-billing');
    expect(branch.get('billing/catalog-info.yaml')?.toString()).toBe('name: billing\n');
    expect(branch.get('README.md')?.toString()).toBe('existing');
    expect(github.repository('acme', 'catalog')?.pulls).toEqual([{ number: 1, title: 'Add billing', head: 'add-billing', base: 'main', body: '' }]);
  });
});
