import type { RelationType } from '../../loaders/catalog/relations.ts';

/** Headings for each relation type on an entity page, in the order they are shown. */
export const RELATION_HEADINGS: Record<RelationType, string> = {
  ownedBy: 'Owner',
  partOf: 'Part of',
  childOf: 'Parent group',
  memberOf: 'Member of',
  providesApi: 'Provides APIs',
  consumesApi: 'Consumes APIs',
  apiProvidedBy: 'Provided by',
  apiConsumedBy: 'Consumed by',
  dependsOn: 'Depends on',
  dependencyOf: 'Dependents',
  hasPart: 'Has parts',
  parentOf: 'Child groups',
  hasMember: 'Members',
  ownerOf: 'Owns',
};
