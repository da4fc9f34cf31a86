/**
 * One descriptor document per rule of Backstage's format, with the verdict a default
 * Backstage catalog gives it. `validate.test.ts` checks Playbill against `valid`;
 * `conformance.test.ts` checks `valid` itself against `@backstage/catalog-model`.
 */

export interface ConformanceCase {
  rule: string;
  doc: unknown;
  valid: boolean;
}

type Doc = Record<string, unknown>;

const component = (patch: { metadata?: Doc; spec?: Doc; root?: Doc } = {}): Doc => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', ...patch.metadata },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...patch.spec },
  ...patch.root,
});

const of = (kind: string, spec: unknown, apiVersion = 'backstage.io/v1alpha1'): Doc => ({
  apiVersion,
  kind,
  metadata: { name: 'x' },
  ...(spec === undefined ? {} : { spec }),
});

const without = (doc: Doc, key: string): Doc => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== key));

export const CASES: ConformanceCase[] = [
  // Envelope
  { rule: 'a minimal Component', doc: component(), valid: true },
  { rule: 'apiVersion is required', doc: without(component(), 'apiVersion'), valid: false },
  { rule: 'kind is required', doc: without(component(), 'kind'), valid: false },
  { rule: 'metadata is required', doc: without(component(), 'metadata'), valid: false },
  { rule: 'metadata.name is required', doc: { ...component(), metadata: {} }, valid: false },
  { rule: 'relations may not be written', doc: component({ root: { relations: [] } }), valid: false },
  { rule: 'status may not be written', doc: component({ root: { status: {} } }), valid: false },
  { rule: 'no foreign root fields', doc: component({ root: { links: [] } }), valid: false },
  { rule: 'a document must be a mapping', doc: 'just a string', valid: false },
  { rule: 'a list is not a document', doc: [component()], valid: false },
  { rule: 'apiVersion has at most one slash', doc: { ...component(), apiVersion: 'backstage.io/v1alpha1/x' }, valid: false },
  { rule: 'apiVersion v1beta1 is accepted', doc: { ...component(), apiVersion: 'backstage.io/v1beta1' }, valid: true },
  { rule: 'an unknown apiVersion for a known kind', doc: { ...component(), apiVersion: 'backstage.io/v2' }, valid: false },
  { rule: 'kinds are case-sensitive', doc: { ...component(), kind: 'component' }, valid: false },
  { rule: 'unknown kinds are rejected', doc: of('Environment', { lifecycle: 'production' }), valid: false },
  { rule: 'kind must start with a letter', doc: { ...component(), kind: '9Component' }, valid: false },
  // Names
  { rule: 'names may not contain spaces', doc: component({ metadata: { name: 'my service' } }), valid: false },
  { rule: 'names of 63 characters are fine', doc: component({ metadata: { name: 'a'.repeat(63) } }), valid: true },
  { rule: 'names of 64 characters are too long', doc: component({ metadata: { name: 'a'.repeat(64) } }), valid: false },
  { rule: 'names may use - _ . inside', doc: component({ metadata: { name: 'a_b.c-D9' } }), valid: true },
  { rule: 'names may not start with -', doc: component({ metadata: { name: '-abc' } }), valid: false },
  { rule: 'names may not end with .', doc: component({ metadata: { name: 'abc.' } }), valid: false },
  { rule: 'a one-character name', doc: component({ metadata: { name: 'a' } }), valid: true },
  { rule: 'names may not contain @', doc: component({ metadata: { name: 'jane@example.com' } }), valid: false },
  { rule: 'names must be strings', doc: component({ metadata: { name: 42 } }), valid: false },
  // Namespaces
  { rule: 'a lowercase namespace', doc: component({ metadata: { namespace: 'team-a' } }), valid: true },
  { rule: 'namespaces are lowercase', doc: component({ metadata: { namespace: 'Team-A' } }), valid: false },
  { rule: 'namespaces may repeat dashes', doc: component({ metadata: { namespace: 'a--b' } }), valid: true },
  { rule: 'namespaces may not use underscores', doc: component({ metadata: { namespace: 'a_b' } }), valid: false },
  { rule: 'an empty namespace', doc: component({ metadata: { namespace: '' } }), valid: false },
  // Other metadata
  { rule: 'an empty title', doc: component({ metadata: { title: '' } }), valid: false },
  { rule: 'description must be a string', doc: component({ metadata: { description: 42 } }), valid: false },
  { rule: 'an empty uid', doc: component({ metadata: { uid: '' } }), valid: false },
  { rule: 'unknown metadata fields are kept', doc: component({ metadata: { team: 'x' } }), valid: true },
  // Labels and annotations
  { rule: 'a prefixed label', doc: component({ metadata: { labels: { 'acme.example/tier': '1' } } }), valid: true },
  { rule: 'an empty label value', doc: component({ metadata: { labels: { tier: '' } } }), valid: true },
  { rule: 'label keys have at most one slash', doc: component({ metadata: { labels: { 'a/b/c': 'x' } } }), valid: false },
  { rule: 'label values may not contain spaces', doc: component({ metadata: { labels: { tier: 'one two' } } }), valid: false },
  { rule: 'label values must be strings', doc: component({ metadata: { labels: { tier: 1 } } }), valid: false },
  { rule: 'annotation values may be any string', doc: component({ metadata: { annotations: { 'acme.example/note': 'any text: at all!' } } }), valid: true },
  { rule: 'annotation keys may not contain spaces', doc: component({ metadata: { annotations: { 'my key': 'x' } } }), valid: false },
  { rule: 'annotation values must be strings', doc: component({ metadata: { annotations: { 'acme.example/count': 3 } } }), valid: false },
  { rule: 'annotation key prefixes are DNS subdomains', doc: component({ metadata: { annotations: { 'Acme.Example/x': 'y' } } }), valid: false },
  // Tags
  { rule: 'tags with + # :', doc: component({ metadata: { tags: ['java', 'c++', 'c#', 'lang:go'] } }), valid: true },
  { rule: 'tags are lowercase', doc: component({ metadata: { tags: ['Java'] } }), valid: false },
  { rule: 'tags may not contain spaces', doc: component({ metadata: { tags: ['go 1.21'] } }), valid: false },
  { rule: 'tags may not be empty', doc: component({ metadata: { tags: [''] } }), valid: false },
  { rule: 'tags of 64 characters are too long', doc: component({ metadata: { tags: ['a'.repeat(64)] } }), valid: false },
  { rule: 'tags may not contain dots', doc: component({ metadata: { tags: ['v1.2'] } }), valid: false },
  // Links
  { rule: 'a link with a URL', doc: component({ metadata: { links: [{ url: 'https://example.com', title: 'Home', icon: 'web', type: 'website' }] } }), valid: true },
  { rule: 'link URLs must be absolute', doc: component({ metadata: { links: [{ url: 'example.com/page' }] } }), valid: false },
  { rule: 'link URL is required', doc: component({ metadata: { links: [{ title: 'Home' }] } }), valid: false },
  { rule: 'link titles may not be blank', doc: component({ metadata: { links: [{ url: 'https://example.com', title: '   ' }] } }), valid: false },
  { rule: 'link icons may not be empty', doc: component({ metadata: { links: [{ url: 'https://example.com', icon: '' }] } }), valid: false },
  { rule: 'links must be a list', doc: component({ metadata: { links: { url: 'https://example.com' } } }), valid: false },
  // Component
  { rule: 'Component needs spec', doc: without(component(), 'spec'), valid: false },
  { rule: 'Component spec may not be null', doc: { ...component(), spec: null }, valid: false },
  { rule: 'Component needs spec.type', doc: of('Component', { lifecycle: 'production', owner: 'a' }), valid: false },
  { rule: 'Component needs spec.lifecycle', doc: of('Component', { type: 'service', owner: 'a' }), valid: false },
  { rule: 'Component needs spec.owner', doc: of('Component', { type: 'service', lifecycle: 'production' }), valid: false },
  { rule: 'Component spec.owner may not be empty', doc: component({ spec: { owner: '' } }), valid: false },
  { rule: 'Component spec.providesApis is a list', doc: component({ spec: { providesApis: 'api-a' } }), valid: false },
  { rule: 'Component refs in lists may not be empty', doc: component({ spec: { dependsOn: [''] } }), valid: false },
  { rule: 'Component with every optional field', doc: component({ spec: { system: 's', subcomponentOf: 'c', providesApis: ['a'], consumesApis: ['b'], dependsOn: ['resource:db'] } }), valid: true },
  { rule: 'unknown spec fields are kept', doc: component({ spec: { tier: 1 } }), valid: true },
  // API
  { rule: 'API with a definition', doc: of('API', { type: 'openapi', lifecycle: 'production', owner: 'a', definition: 'openapi: 3.0.0' }), valid: true },
  { rule: 'API needs a definition', doc: of('API', { type: 'openapi', lifecycle: 'production', owner: 'a' }), valid: false },
  { rule: 'API definition may not be empty', doc: of('API', { type: 'openapi', lifecycle: 'production', owner: 'a', definition: '' }), valid: false },
  { rule: 'API definition must be text', doc: of('API', { type: 'openapi', lifecycle: 'production', owner: 'a', definition: { openapi: '3.0.0' } }), valid: false },
  // Resource, System, Domain
  { rule: 'a minimal Resource', doc: of('Resource', { type: 'database', owner: 'a' }), valid: true },
  { rule: 'Resource needs spec.owner', doc: of('Resource', { type: 'database' }), valid: false },
  { rule: 'Resource needs spec.type', doc: of('Resource', { owner: 'a' }), valid: false },
  { rule: 'a minimal System', doc: of('System', { owner: 'a' }), valid: true },
  { rule: 'System needs spec.owner', doc: of('System', { domain: 'd' }), valid: false },
  { rule: 'a minimal Domain', doc: of('Domain', { owner: 'a', subdomainOf: 'parent' }), valid: true },
  { rule: 'Domain needs spec.owner', doc: of('Domain', {}), valid: false },
  // Group and User
  { rule: 'a Group with no children', doc: of('Group', { type: 'team', children: [] }), valid: true },
  { rule: 'Group needs spec.children', doc: of('Group', { type: 'team' }), valid: false },
  { rule: 'Group needs spec.type', doc: of('Group', { children: [] }), valid: false },
  { rule: 'Group profile.email may not be empty', doc: of('Group', { type: 'team', children: [], profile: { email: '' } }), valid: false },
  { rule: 'a Group with parent and members', doc: of('Group', { type: 'team', parent: 'org', children: ['sub'], members: ['jane'] }), valid: true },
  { rule: 'a User in no group', doc: of('User', { memberOf: [] }), valid: true },
  { rule: 'User needs spec.memberOf', doc: of('User', { profile: { displayName: 'Jane' } }), valid: false },
  { rule: 'User memberOf is a list', doc: of('User', { memberOf: 'team-a' }), valid: false },
  // Location
  { rule: 'a Location with targets', doc: of('Location', { type: 'url', target: './a.yaml', targets: ['./b.yaml'] }), valid: true },
  { rule: 'a Location with an empty spec', doc: of('Location', {}), valid: true },
  { rule: 'Location presence is required or optional', doc: of('Location', { target: './a.yaml', presence: 'maybe' }), valid: false },
  { rule: 'Location targets are strings', doc: of('Location', { targets: [42] }), valid: false },
  // Template
  { rule: 'a scaffolder v1beta3 Template', doc: of('Template', { type: 'service', steps: [{ action: 'fetch:template' }] }, 'scaffolder.backstage.io/v1beta3'), valid: true },
  { rule: 'legacy v1beta2 Templates are rejected', doc: of('Template', { type: 'service', steps: [] }, 'backstage.io/v1beta2'), valid: false },
  { rule: 'Template needs spec.steps', doc: of('Template', { type: 'service' }, 'scaffolder.backstage.io/v1beta3'), valid: false },
  { rule: 'Template needs spec.type', doc: of('Template', { steps: [] }, 'scaffolder.backstage.io/v1beta3'), valid: false },
];
