import { describe, expect, it } from 'vitest';
import type { CatalogNode } from '../catalog/graph.ts';
import { annotatePickers, pickerOptions } from './pickers.ts';

function node(kind: string, name: string, extra: { type?: string; title?: string; tags?: string[] } = {}): CatalogNode {
  return {
    ref: `${kind}:default/${name}`.toLowerCase(),
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name, namespace: 'default', ...(extra.title && { title: extra.title }), ...(extra.tags && { tags: extra.tags }) },
      spec: extra.type ? { type: extra.type } : {},
      relations: [],
    },
    source: { repository: 'r', file: 'catalog-info.yaml', line: 1 },
  };
}

const nodes = [node('Group', 'Payments-Team', { type: 'team', title: 'Payments' }), node('Group', 'engineering', { type: 'department' }), node('User', 'ann'), node('System', 'payments', { tags: ['money'] }), node('Component', 'api', { type: 'service', tags: ['java'] })];

describe('catalog pickers, filled at build time', () => {
  it('OwnerPicker offers groups and users, as full refs with the name as written', () => {
    expect(pickerOptions('OwnerPicker', {}, nodes).map(([v]) => v)).toEqual(['user:default/ann', 'group:default/engineering', 'group:default/Payments-Team']);
  });
  it('honours catalogFilter (a list means any of them)', () => {
    expect(pickerOptions('OwnerPicker', { catalogFilter: { kind: 'Group', 'spec.type': 'team' } }, nodes).map(([v]) => v)).toEqual(['group:default/Payments-Team']);
    expect(pickerOptions('EntityPicker', { catalogFilter: [{ kind: 'System' }, { 'spec.type': 'service' }] }, nodes).map(([v]) => v).sort()).toEqual(['component:default/api', 'system:default/payments']);
  });
  it('honours allowedKinds, and EntityTagsPicker offers the catalog\'s tags', () => {
    expect(pickerOptions('EntityPicker', { allowedKinds: ['system'] }, nodes).map(([v]) => v)).toEqual(['system:default/payments']);
    expect(pickerOptions('EntityTagsPicker', {}, nodes).map(([v]) => v)).toEqual(['java', 'money']);
    expect(pickerOptions('EntityTagsPicker', { kinds: ['Component'] }, nodes).map(([v]) => v)).toEqual(['java']);
  });
  it('writes the choices into the schema wherever the field is, dependencies included', () => {
    const annotated = annotatePickers({ dependencies: { a: { oneOf: [{ properties: { owner: { type: 'string', 'ui:field': 'OwnerPicker' } } }] } } }, nodes);
    expect(JSON.stringify(annotated)).toContain('"x-playbill-options":[["user:default/ann"');
  });
});
