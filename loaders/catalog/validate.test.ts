import { describe, expect, it } from 'vitest';
import { CASES } from '../../test/fixtures/conformance-cases.ts';
import { validateEntity } from './validate.ts';

describe('validateEntity, rule by rule', () => {
  it.each(CASES)('$rule', ({ doc, valid }) => {
    const result = validateEntity(doc);
    expect(result.ok, result.ok ? 'accepted' : JSON.stringify(result.issues)).toBe(valid);
  });
});

const messages = (doc: unknown) => {
  const result = validateEntity(doc);
  return result.ok ? [] : result.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('validation messages', () => {
  it('lists every problem of a document, not the first', () => {
    expect(
      messages({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'bad name', tags: ['Java'], links: [{ url: 'nope' }] },
        spec: { type: 'service' },
        relations: [],
      }),
    ).toMatchInlineSnapshot(`
      [
        "metadata.name: must be 1-63 characters: letters and digits, separated by single "-", "_" or "." (e.g. "payments-api")",
        "metadata.tags.0: must be 1-63 characters of lowercase a-z, 0-9, ":", "+" or "#", separated by "-" (e.g. "java")",
        "metadata.links.0.url: must be an absolute URL (e.g. "https://example.com/runbook")",
        "relations: is not allowed in a descriptor: relations is computed by the catalog",
        "spec.lifecycle: is required (expected string)",
        "spec.owner: is required (expected string)",
      ]
    `);
  });

  it('suggests where a misplaced root field belongs', () => {
    expect(messages({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'a' }, spec: { owner: 'b' }, links: [] })).toMatchInlineSnapshot(`
      [
        "links: is not allowed at the top level: only apiVersion, kind, metadata and spec may be written; did you mean metadata.links or spec.links?",
      ]
    `);
  });

  it('names the case-sensitive kind a lowercase one was meant to be', () => {
    expect(messages({ apiVersion: 'backstage.io/v1alpha1', kind: 'component', metadata: { name: 'a' }, spec: {} })).toMatchInlineSnapshot(`
      [
        "kind: unknown kind "component": kinds are case-sensitive, did you mean "Component"?",
      ]
    `);
  });

  it('says how to accept an unknown kind', () => {
    expect(messages({ apiVersion: 'backstage.io/v1alpha1', kind: 'Environment', metadata: { name: 'prod' }, spec: {} })).toMatchInlineSnapshot(`
      [
        "kind: unknown kind "Environment": a default catalog knows Component, API, Resource, System, Domain, Group, User, Location, Template; to accept it, add it to catalog.extraKinds in playbill.config.yaml",
      ]
    `);
  });

  it('says which apiVersion a kind needs', () => {
    expect(messages({ apiVersion: 'backstage.io/v1beta2', kind: 'Template', metadata: { name: 'a' }, spec: { type: 'x', steps: [] } })).toMatchInlineSnapshot(`
      [
        "apiVersion: kind Template needs apiVersion scaffolder.backstage.io/v1beta3, found "backstage.io/v1beta2"",
      ]
    `);
  });
});

describe('extra kinds', () => {
  const environment = { apiVersion: 'acme.example/v1', kind: 'Environment', metadata: { name: 'prod' }, spec: { region: 'eu' } };

  it('accepts a configured kind with any spec', () => {
    const result = validateEntity(environment, { extraKinds: ['Environment'] });
    expect(result.ok && result.entity.spec).toEqual({ region: 'eu' });
  });

  it('still checks the envelope of a configured kind', () => {
    expect(validateEntity({ ...environment, metadata: { name: 'no spaces allowed' } }, { extraKinds: ['Environment'] }).ok).toBe(false);
  });
});
