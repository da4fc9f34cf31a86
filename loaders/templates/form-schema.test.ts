import { describe, expect, it } from 'vitest';
import { checkField, checkPage, defaultValues, fieldsOf, readRepoUrl, visibleValues, writeRepoUrl } from './form-schema.ts';

// The shape real templates use to ask for a registry only when Tekton is chosen.
const page = {
  title: 'Build',
  required: ['ci'],
  properties: {
    ci: { type: 'string', enum: ['github', 'tekton'], default: 'github' },
    port: { type: 'integer', minimum: 1024, maximum: 65535, default: 8080 },
  },
  dependencies: {
    ci: {
      oneOf: [
        { properties: { ci: { const: 'github' } } },
        { properties: { ci: { const: 'tekton' }, registry: { type: 'string', title: 'Registry', pattern: '^[a-z.]+/[a-z]+$' } }, required: ['registry'] },
      ],
    },
  },
  allOf: [{ if: { properties: { port: { const: 443 } } }, then: { properties: { certificate: { type: 'string' } }, required: ['certificate'] } }],
};

describe('the fields a page shows', () => {
  it('follow dependencies with oneOf: the registry appears, required, only for Tekton', () => {
    expect(fieldsOf(page, { ci: 'github', port: 8080 }).map((f) => f.name)).toEqual(['ci', 'port']);
    const tekton = fieldsOf(page, { ci: 'tekton', port: 8080 });
    expect(tekton.map((f) => f.name)).toEqual(['ci', 'port', 'registry']);
    expect(tekton.find((f) => f.name === 'registry')?.required).toBe(true);
  });

  it('follow if/then inside allOf', () => {
    expect(fieldsOf(page, { ci: 'github', port: 443 }).map((f) => f.name)).toContain('certificate');
    expect(fieldsOf(page, { ci: 'github', port: 8443 }).map((f) => f.name)).not.toContain('certificate');
  });

  it('start from every default, and drop the values of a branch no longer shown', () => {
    expect(defaultValues([page])).toEqual({ ci: 'github', port: 8080 });
    expect(visibleValues([page], { ci: 'github', port: 8080, registry: 'left/over' })).toEqual({ ci: 'github', port: 8080 });
  });
});

describe('errors, in words', () => {
  it('name what is wrong', () => {
    expect([...checkPage(page, { ci: 'tekton', port: 80, registry: 'Not A Registry' })]).toEqual([
      ['port', 'port must be at least 1024.'],
      ['registry', "This doesn't have the expected form (pattern ^[a-z.]+/[a-z]+$)."],
    ]);
    expect([...checkPage(page, { ci: 'tekton', port: 8080 })]).toEqual([['registry', 'Registry is required.']]);
  });

  it('use the template author\'s errorMessage when there is one', () => {
    const field = { name: 'n', required: true, schema: { type: 'string', pattern: '^a', errorMessage: { pattern: 'Start with an a.' } } };
    expect(checkField(field, 'b')).toBe('Start with an a.');
  });

  it('check the entity name and repository pickers as Backstage does', () => {
    const name = { name: 'name', required: true, schema: { type: 'string', 'ui:field': 'EntityNamePicker' } };
    expect(checkField(name, 'order history')).toMatch(/1 to 63 letters and digits/);
    expect(checkField(name, 'order-history')).toBeUndefined();
    const repo = { name: 'repoUrl', required: true, schema: { type: 'string', 'ui:field': 'RepoUrlPicker', 'ui:options': { allowedOwners: ['acme'] } } };
    expect(checkField(repo, 'github.com?owner=evil&repo=x')).toBe('The owner must be one of acme.');
    expect(checkField(repo, 'github.com?owner=acme')).toBe('Enter a name for the repository.');
    expect(checkField(repo, writeRepoUrl({ host: 'github.com', owner: 'acme', repo: 'svc' }))).toBeUndefined();
  });
});

describe('RepoUrlPicker values', () => {
  it('are written and read as Backstage writes them', () => {
    expect(writeRepoUrl({ host: 'github.com', owner: 'acme', repo: 'svc' })).toBe('github.com?owner=acme&repo=svc');
    expect(readRepoUrl('github.com?owner=acme&repo=svc')).toEqual({ host: 'github.com', owner: 'acme', repo: 'svc' });
  });
});
