import type { EntityRecord } from './crawl.ts';
import { makeProblem, type Problem } from '../problems.ts';
import { z } from 'zod';
import { inverseRelation, REF_FIELDS, relationTypeSchema, type RelationType } from './relations.ts';
import { DEFAULT_NAMESPACE, parseEntityRef, RefError, stringifyEntityRef } from './refs.ts';

/** An entity with where it came from, as the `entities` collection holds it and the site renders it. */
export const catalogNodeSchema = z.object({
  ref: z.string(),
  entity: z.looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.looseObject({
      name: z.string(),
      namespace: z.string(),
      title: z.string().optional(),
      description: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      tags: z.array(z.string()).optional(),
      links: z.array(z.looseObject({ url: z.string(), title: z.string().optional(), icon: z.string().optional(), type: z.string().optional() })).optional(),
    }),
    spec: z.record(z.string(), z.unknown()).optional(),
    relations: z.array(z.object({ type: relationTypeSchema, targetRef: z.string() })),
  }),
  source: z.object({
    repository: z.string(),
    file: z.string(),
    line: z.number(),
    viewUrl: z.string().optional(),
    editUrl: z.string().optional(),
    lastModified: z.string().optional(),
  }),
});

export type CatalogNode = z.infer<typeof catalogNodeSchema>;
/** An entity in Backstage's shape, as `/api/catalog/entities.json` lists it. */
export type CatalogEntity = CatalogNode['entity'];
/** One relation as Backstage writes it. */
export type Relation = CatalogEntity['relations'][number];

/** An annotation's value, when the entity has it. */
export function annotationOf(entity: CatalogEntity, key: string): string | undefined {
  return entity.metadata.annotations?.[key];
}

/**
 * The entity whose docs this one borrows (`backstage.io/techdocs-entity`, as TechDocs
 * allows), as a full ref; undefined when it names none or an invalid one.
 */
export function borrowedDocsRef(entity: CatalogEntity): string | undefined {
  const borrowed = annotationOf(entity, 'backstage.io/techdocs-entity');
  if (!borrowed) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(borrowed, { defaultKind: 'Component', defaultNamespace: entity.metadata.namespace }));
  } catch {
    return undefined;
  }
}

export interface CatalogGraph {
  nodes: CatalogNode[];
  problems: Problem[];
}

function refsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Joins every repository's records into one catalog: drops duplicate refs (first wins, the
 * other is reported), computes relations in both directions, and reports references to
 * entities that do not exist. Pure: no I/O.
 */
export function buildGraph(records: readonly EntityRecord[]): CatalogGraph {
  const problems: Problem[] = [];
  const byRef = new Map<string, EntityRecord>();
  for (const record of records) {
    const first = byRef.get(record.ref);
    if (first) {
      problems.push(
        makeProblem(
          'error',
          record.locate(['metadata', 'name']),
          `duplicate entity ${record.ref}: already defined in ${first.repository}/${first.file}:${first.line}; the first one is kept, rename or remove this one`,
          { entityRef: record.ref, field: 'metadata.name', code: 'duplicate-entity' },
        ),
      );
      continue;
    }
    byRef.set(record.ref, record);
  }

  const relations = new Map<string, Map<string, Relation>>();
  const addRelation = (from: string, type: RelationType, to: string) => {
    let set = relations.get(from);
    if (!set) relations.set(from, (set = new Map()));
    set.set(`${type} ${to}`, { type, targetRef: to });
  };

  for (const record of byRef.values()) {
    const { entity } = record;
    const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
    for (const { field, relation, defaultKind } of REF_FIELDS[entity.kind] ?? []) {
      const value = entity.spec?.[field];
      const list = refsOf(value);
      for (const [i, raw] of list.entries()) {
        const path = Array.isArray(value) ? ['spec', field, i] : ['spec', field];
        let target: string;
        try {
          target = stringifyEntityRef(parseEntityRef(raw, { defaultNamespace: namespace, ...(defaultKind ? { defaultKind } : {}) }));
        } catch (error) {
          const message = error instanceof RefError ? error.message : String(error);
          problems.push(makeProblem('error', record.locate(path), `spec.${field}: ${message}`, { entityRef: record.ref, field: path.join('.'), code: 'invalid-ref' }));
          continue;
        }
        addRelation(record.ref, relation, target);
        if (byRef.has(target)) {
          addRelation(target, inverseRelation(relation), record.ref);
        } else {
          problems.push(
            makeProblem('warning', record.locate(path), `spec.${field} refers to ${target}, which is not in the catalog; check the name, kind and namespace`, {
              entityRef: record.ref,
              field: path.join('.'),
              code: 'dangling-ref',
            }),
          );
        }
      }
    }
  }

  for (const [ref, set] of relations) {
    const parents = [...set.values()].filter((r) => r.type === 'childOf');
    const record = byRef.get(ref);
    if (parents.length > 1 && record?.entity.kind === 'Group') {
      problems.push(
        makeProblem('warning', record.locate(['spec', 'parent']), `group ${ref} has ${parents.length} parents (${parents.map((p) => p.targetRef).join(', ')}); a group should have one`, {
          entityRef: ref,
          code: 'multiple-parents',
        }),
      );
    }
  }

  const nodes: CatalogNode[] = [];
  for (const record of byRef.values()) {
    const { entity } = record;
    const metadata = { ...entity.metadata, namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE };
    const rels = [...(relations.get(record.ref)?.values() ?? [])].sort(
      (a, b) => a.type.localeCompare(b.type) || a.targetRef.localeCompare(b.targetRef),
    );
    const out: CatalogEntity = { apiVersion: entity.apiVersion, kind: entity.kind, metadata, relations: rels };
    if (entity.spec !== undefined) out.spec = entity.spec;
    const source: CatalogNode['source'] = { repository: record.repository, file: record.file, line: record.line };
    if (record.viewUrl) source.viewUrl = record.viewUrl;
    if (record.editUrl) source.editUrl = record.editUrl;
    if (record.lastModified) source.lastModified = record.lastModified;
    nodes.push({ ref: record.ref, entity: out, source });
  }
  nodes.sort((a, b) => a.ref.localeCompare(b.ref));
  return { nodes, problems };
}
