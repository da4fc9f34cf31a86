import type { CatalogNode } from '../catalog/graph.ts';
import { isPlainObject } from './nunjucks/values.ts';

/**
 * Backstage's catalog pickers get their choices from the catalog API at run time; a static
 * portal has no API, so the choices are computed at build time and written into the field's
 * schema as `x-playbill-options`. The form's script reads them from there.
 */

/** One choice: the value Backstage would store, and the text people see. */
export type PickerOption = [value: string, label: string];

/** The longest list of choices written for one field (a datalist stays usable, the page small). */
export const MAX_OPTIONS = 2000;

/** The `ui:field`s whose choices come from the catalog. */
export const CATALOG_PICKERS = ['OwnerPicker', 'EntityPicker', 'MultiEntityPicker', 'OwnedEntityPicker', 'MyGroupsPicker', 'EntityTagsPicker'] as const;

/** Every `ui:field` Playbill draws as Backstage does; anything else is a text field with a note. */
export const KNOWN_FIELDS = new Set<string>([...CATALOG_PICKERS, 'EntityNamePicker', 'RepoUrlPicker']);

/** Backstage writes refs with kind and namespace lowercased and the name as written. */
export function pickerRef(node: CatalogNode): string {
  const { kind, metadata } = node.entity;
  return `${kind.toLowerCase()}:${metadata.namespace.toLowerCase()}/${metadata.name}`;
}

function fieldValues(node: CatalogNode, path: string): string[] {
  let current: unknown = node.entity;
  for (const part of path.split('.')) {
    if (!isPlainObject(current) || !Object.hasOwn(current, part)) return [];
    current = current[part];
  }
  if (Array.isArray(current)) return current.filter((v): v is string => typeof v === 'string');
  return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' ? [String(current)] : [];
}

/** catalogFilter: one object or a list of them (any may match); each key must match one of its values. */
function matchesFilter(node: CatalogNode, filter: unknown): boolean {
  const filters = Array.isArray(filter) ? filter : [filter];
  return filters.some((one) => {
    if (!isPlainObject(one)) return false;
    return Object.entries(one).every(([key, wanted]) => {
      const have = fieldValues(node, key).map((v) => v.toLowerCase());
      const wants = (Array.isArray(wanted) ? wanted : [wanted]).map((w) => String(w).toLowerCase());
      return wants.some((w) => have.includes(w));
    });
  });
}

function optionsOf(uiOptions: Record<string, unknown>, field: string): { kinds?: string[]; filter?: unknown } {
  const allowedKinds = Array.isArray(uiOptions.allowedKinds) ? uiOptions.allowedKinds.filter((k): k is string => typeof k === 'string') : undefined;
  const filter = uiOptions.catalogFilter;
  if (filter !== undefined) return { filter };
  if (allowedKinds !== undefined) return { kinds: allowedKinds };
  if (field === 'OwnerPicker' || field === 'MyGroupsPicker') return { kinds: field === 'MyGroupsPicker' ? ['Group'] : ['Group', 'User'] };
  return {};
}

function label(node: CatalogNode): string {
  const { metadata, kind } = node.entity;
  const title = metadata.title ?? metadata.name;
  return `${title} (${kind.toLowerCase()}${metadata.namespace === 'default' ? '' : `, ${metadata.namespace}`})`;
}

/** The choices a picker field offers, given its `ui:options`. */
export function pickerOptions(field: string, uiOptions: Record<string, unknown>, nodes: readonly CatalogNode[]): PickerOption[] {
  if (field === 'EntityTagsPicker') {
    const kinds = Array.isArray(uiOptions.kinds) ? uiOptions.kinds.map((k) => String(k).toLowerCase()) : undefined;
    const tags = new Set<string>();
    for (const node of nodes) {
      if (kinds !== undefined && !kinds.includes(node.entity.kind.toLowerCase())) continue;
      for (const tag of node.entity.metadata.tags ?? []) tags.add(tag);
    }
    return [...tags].sort().slice(0, MAX_OPTIONS).map((tag) => [tag, tag]);
  }
  const { kinds, filter } = optionsOf(uiOptions, field);
  const lowerKinds = kinds?.map((k) => k.toLowerCase());
  return nodes
    .filter((node) => (filter !== undefined ? matchesFilter(node, filter) : lowerKinds === undefined || lowerKinds.includes(node.entity.kind.toLowerCase())))
    .map((node): PickerOption => [pickerRef(node), label(node)])
    .sort((a, b) => a[1].localeCompare(b[1]))
    .slice(0, MAX_OPTIONS);
}

/**
 * A copy of the form's schema with each catalog picker's choices written in. Walks properties,
 * array items, dependencies, oneOf/anyOf/allOf and if/then/else, wherever a field can hide.
 */
export function annotatePickers(schema: unknown, nodes: readonly CatalogNode[]): unknown {
  if (Array.isArray(schema)) return schema.map((item) => annotatePickers(item, nodes));
  if (!isPlainObject(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = annotatePickers(value, nodes);
  const field = schema['ui:field'];
  if (typeof field === 'string' && (CATALOG_PICKERS as readonly string[]).includes(field)) {
    const uiOptions = isPlainObject(schema['ui:options']) ? schema['ui:options'] : {};
    copy['x-playbill-options'] = pickerOptions(field, uiOptions, nodes);
  }
  return copy;
}
