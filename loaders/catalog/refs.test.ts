import { describe, expect, it } from 'vitest';
import { humanizeEntityRef, parseEntityRef, stringifyEntityRef } from './refs.ts';

describe('parseEntityRef', () => {
  it('reads all three parts', () => {
    expect(parseEntityRef('component:team-a/payments')).toEqual({ kind: 'component', namespace: 'team-a', name: 'payments' });
  });

  it('fills in the default kind and namespace', () => {
    expect(parseEntityRef('payments', { defaultKind: 'Group', defaultNamespace: 'ops' })).toEqual({ kind: 'Group', namespace: 'ops', name: 'payments' });
    expect(parseEntityRef('ops/payments', { defaultKind: 'Group' })).toEqual({ kind: 'Group', namespace: 'ops', name: 'payments' });
    expect(parseEntityRef('user:payments')).toEqual({ kind: 'user', namespace: 'default', name: 'payments' });
  });

  it('treats a colon after the slash as part of the name, as Backstage does', () => {
    expect(parseEntityRef('default/a:b', { defaultKind: 'Group' })).toEqual({ kind: 'Group', namespace: 'default', name: 'a:b' });
  });

  it('rejects empty parts and missing kinds with a message that says the form', () => {
    expect(() => parseEntityRef('')).toThrowErrorMatchingInlineSnapshot(`[Error: Entity reference must not be empty]`);
    expect(() => parseEntityRef('component:')).toThrowErrorMatchingInlineSnapshot(
      `[Error: Entity reference "component:" is not of the form [<kind>:][<namespace>/]<name>]`,
    );
    expect(() => parseEntityRef('payments-db')).toThrowErrorMatchingInlineSnapshot(
      `[Error: Entity reference "payments-db" has no kind, and this field has no default kind; write it as e.g. "component:payments-db" or "resource:payments-db"]`,
    );
  });
});

describe('stringifyEntityRef', () => {
  it('lowercases every part', () => {
    expect(stringifyEntityRef({ kind: 'Component', namespace: 'Default', name: 'Payments-API' })).toBe('component:default/payments-api');
  });

  it('round-trips with parseEntityRef', () => {
    const ref = 'api:billing/invoices';
    expect(stringifyEntityRef(parseEntityRef(ref))).toBe(ref);
  });
});

describe('humanizeEntityRef', () => {
  it('leaves out the default namespace and the expected kind', () => {
    expect(humanizeEntityRef({ kind: 'group', namespace: 'default', name: 'a' }, { defaultKind: 'Group' })).toBe('a');
    expect(humanizeEntityRef({ kind: 'user', namespace: 'ops', name: 'b' }, { defaultKind: 'group' })).toBe('user:ops/b');
  });
});
