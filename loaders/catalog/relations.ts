import { z } from 'zod';

/**
 * Relation types in their symmetric pairs, and which spec field of which kind emits them,
 * with the default kind Backstage assumes for short references in that field.
 */

/** Every relation with its inverse; both directions are always computed. */
export const RELATION_PAIRS = [
  ['ownedBy', 'ownerOf'],
  ['partOf', 'hasPart'],
  ['providesApi', 'apiProvidedBy'],
  ['consumesApi', 'apiConsumedBy'],
  ['dependsOn', 'dependencyOf'],
  ['childOf', 'parentOf'],
  ['memberOf', 'hasMember'],
] as const;

/** Every relation type, as a schema: what `relations[].type` may hold. */
export const relationTypeSchema = z.enum(RELATION_PAIRS.flat());
export type RelationType = z.infer<typeof relationTypeSchema>;

const INVERSE = new Map<string, RelationType>(
  RELATION_PAIRS.flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]),
);

/** The relation seen from the other end, e.g. `ownerOf` for `ownedBy`. */
export function inverseRelation(type: RelationType): RelationType {
  const inverse = INVERSE.get(type);
  if (!inverse) throw new Error(`no inverse for relation ${type}`);
  return inverse;
}

/** A spec field that holds one or more entity references. */
export interface RefField {
  field: string;
  relation: RelationType;
  /** Kind assumed for `name` or `namespace/name`; none means the kind must be written. */
  defaultKind?: string;
}

const owner: RefField = { field: 'owner', relation: 'ownedBy', defaultKind: 'Group' };
const system: RefField = { field: 'system', relation: 'partOf', defaultKind: 'System' };
const dependsOn: RefField = { field: 'dependsOn', relation: 'dependsOn' };
const dependencyOf: RefField = { field: 'dependencyOf', relation: 'dependencyOf' };

/** Reference fields by kind, as Backstage's built-in processors read them. */
export const REF_FIELDS: Record<string, readonly RefField[]> = {
  Component: [
    owner,
    { field: 'subcomponentOf', relation: 'partOf', defaultKind: 'Component' },
    { field: 'providesApis', relation: 'providesApi', defaultKind: 'API' },
    { field: 'consumesApis', relation: 'consumesApi', defaultKind: 'API' },
    dependsOn,
    dependencyOf,
    system,
  ],
  API: [owner, system],
  Resource: [owner, dependsOn, dependencyOf, system],
  System: [owner, { field: 'domain', relation: 'partOf', defaultKind: 'Domain' }],
  Domain: [owner, { field: 'subdomainOf', relation: 'partOf', defaultKind: 'Domain' }],
  User: [{ field: 'memberOf', relation: 'memberOf', defaultKind: 'Group' }],
  Group: [
    { field: 'parent', relation: 'childOf', defaultKind: 'Group' },
    { field: 'children', relation: 'parentOf', defaultKind: 'Group' },
    { field: 'members', relation: 'hasMember', defaultKind: 'User' },
  ],
  Template: [owner],
};
