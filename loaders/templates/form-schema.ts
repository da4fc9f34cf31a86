import { isPlainObject } from './nunjucks/values.ts';

/**
 * The form side of a template, as Backstage's scaffolder (react-jsonschema-form) reads
 * `spec.parameters`: which fields a page shows for the values so far (`dependencies` with
 * `oneOf`/`allOf`, `if`/`then`/`else`), their defaults, and what is wrong with a value, in
 * words for people. Pure data in, data out: the page's script and the CLI share it.
 */

export type Schema = Record<string, unknown>;
export type Values = Record<string, unknown>;

/** One field to draw: its name, schema (branches merged in) and whether it must be filled. */
export interface Field {
  name: string;
  schema: Schema;
  required: boolean;
}

function schemaOf(value: unknown): Schema {
  return isPlainObject(value) ? value : {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** True when a value counts as given (RJSF drops empty strings). */
export function isGiven(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** Whether `value` satisfies the simple checks of a branch's schema (`const`, `enum`, `type`, `pattern`). */
function matches(schema: Schema, value: unknown): boolean {
  if (Object.hasOwn(schema, 'const') && schema.const !== value) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !safeRegExp(schema.pattern)?.test(value)) return false;
  if (typeof schema.type === 'string' && value !== undefined && !hasType(schema.type, value)) return false;
  if (isPlainObject(schema.not) && matches(schema.not, value)) return false;
  return true;
}

/** `if` of `if/then/else`: every listed property matches and every required one is given. */
function conditionHolds(condition: Schema, values: Values): boolean {
  const properties = schemaOf(condition.properties);
  for (const [name, sub] of Object.entries(properties)) {
    if (values[name] === undefined) continue;
    if (!matches(schemaOf(sub), values[name])) return false;
  }
  return stringList(condition.required).every((name) => isGiven(values[name]));
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      return true;
  }
}

/** A schema's `pattern` as a RegExp; undefined when it is not a valid one. */
export function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

/**
 * The fields of one page (or of a nested object) for the current values: its own properties,
 * then those its `dependencies`, `allOf` items and `if/then/else` bring in.
 */
export function fieldsOf(page: Schema, values: Values): Field[] {
  const order: string[] = [];
  const schemas = new Map<string, Schema>();
  const required = new Set<string>();
  const add = (schema: Schema) => {
    for (const [name, sub] of Object.entries(schemaOf(schema.properties))) {
      if (!schemas.has(name)) order.push(name);
      schemas.set(name, { ...(schemas.get(name) ?? {}), ...schemaOf(sub) });
    }
    for (const name of stringList(schema.required)) required.add(name);
  };
  const expand = (schema: Schema, depth: number) => {
    if (depth > 8) return;
    add(schema);
    for (const [name, dependency] of Object.entries(schemaOf(schema.dependencies))) {
      if (!isGiven(values[name]) && values[name] !== false) continue;
      if (Array.isArray(dependency)) {
        for (const other of stringList(dependency)) required.add(other);
        continue;
      }
      const dep = schemaOf(dependency);
      if (Array.isArray(dep.oneOf) || Array.isArray(dep.anyOf)) {
        const branches = (Array.isArray(dep.oneOf) ? dep.oneOf : (dep.anyOf as unknown[])).map(schemaOf);
        const branch = branches.find((b) => {
          const own = schemaOf(schemaOf(b.properties)[name]);
          return Object.keys(own).length > 0 && matches(own, values[name]);
        });
        if (branch !== undefined) {
          // The branch repeats the property it depends on; keep the page's own schema for it.
          const { [name]: _self, ...rest } = schemaOf(branch.properties);
          expand({ ...branch, properties: rest }, depth + 1);
        }
      } else expand(dep, depth + 1);
    }
    for (const item of Array.isArray(schema.allOf) ? schema.allOf.map(schemaOf) : []) expand(item, depth + 1);
    if (isPlainObject(schema.if)) {
      const branch = conditionHolds(schema.if, values) ? schema.then : schema.else;
      if (isPlainObject(branch)) expand(branch, depth + 1);
    }
  };
  expand(page, 0);
  const uiOrder = stringList(page['ui:order']);
  if (uiOrder.length > 0) {
    const rank = (name: string) => {
      const at = uiOrder.indexOf(name);
      return at === -1 ? uiOrder.indexOf('*') : at;
    };
    order.sort((a, b) => rank(a) - rank(b));
  }
  return order.map((name) => ({ name, schema: schemas.get(name) ?? {}, required: required.has(name) }));
}

/** The form's first values: every `default` and `const` of every page. */
export function defaultValues(pages: readonly Schema[]): Values {
  const values: Values = {};
  for (const page of pages) {
    // Twice, so defaults that switch on a dependency bring in that branch's defaults too.
    for (let pass = 0; pass < 2; pass += 1) {
      for (const field of fieldsOf(page, values)) {
        if (values[field.name] !== undefined) continue;
        if (Object.hasOwn(field.schema, 'const')) values[field.name] = field.schema.const;
        else if (Object.hasOwn(field.schema, 'default')) values[field.name] = structuredClone(field.schema.default);
        else if (field.schema.type === 'object' && isPlainObject(field.schema.properties)) {
          const nested = defaultValues([field.schema]);
          if (Object.keys(nested).length > 0) values[field.name] = nested;
        }
      }
    }
  }
  return values;
}

/** The ui:options of a field, or {}. */
export function uiOptions(schema: Schema): Schema {
  return schemaOf(schema['ui:options']);
}

/** Backstage's rule for entity names (EntityNamePicker). */
const ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function custom(schema: Schema, keyword: string): string | undefined {
  const message = schema.errorMessage;
  if (typeof message === 'string') return message;
  if (isPlainObject(message) && typeof message[keyword] === 'string') return message[keyword];
  return undefined;
}

/** Reads a RepoUrlPicker value (`github.com?owner=acme&repo=svc`) into its parts. */
export function readRepoUrl(value: unknown): { host: string; owner: string; repo: string } {
  if (typeof value !== 'string' || value === '') return { host: '', owner: '', repo: '' };
  const at = value.indexOf('?');
  const params = new URLSearchParams(at === -1 ? '' : value.slice(at + 1));
  return { host: at === -1 ? value : value.slice(0, at), owner: params.get('owner') ?? '', repo: params.get('repo') ?? '' };
}

/** Writes a RepoUrlPicker value as Backstage does. */
export function writeRepoUrl(parts: { host: string; owner: string; repo: string }): string {
  const params = new URLSearchParams();
  if (parts.owner !== '') params.set('owner', parts.owner);
  params.set('repo', parts.repo);
  return `${parts.host}?${params.toString()}`;
}

/** What is wrong with a field's value, in words for people; undefined when nothing is. */
export function checkField(field: Field, value: unknown): string | undefined {
  const { schema } = field;
  const title = typeof schema.title === 'string' ? schema.title : field.name;
  if (!isGiven(value)) return field.required ? (custom(schema, 'required') ?? `${title} is required.`) : undefined;
  const uiField = schema['ui:field'];
  if (uiField === 'RepoUrlPicker') {
    const parts = readRepoUrl(value);
    const options = uiOptions(schema);
    if (parts.host === '') return 'Choose a host.';
    if (parts.owner === '') return 'Enter the owner: the organisation or user the repository belongs to.';
    if (parts.repo === '') return 'Enter a name for the repository.';
    if (!/^[A-Za-z0-9_.-]+$/.test(parts.repo)) return 'A repository name can use letters, digits, "-", "_" and "." only.';
    const hosts = stringList(options.allowedHosts);
    if (hosts.length > 0 && !hosts.includes(parts.host)) return `The host must be one of ${hosts.join(', ')}.`;
    const owners = stringList(options.allowedOwners);
    if (owners.length > 0 && !owners.includes(parts.owner)) return `The owner must be one of ${owners.join(', ')}.`;
    const repos = stringList(options.allowedRepos);
    if (repos.length > 0 && !repos.includes(parts.repo)) return `The repository must be one of ${repos.join(', ')}.`;
    return undefined;
  }
  if (uiField === 'EntityNamePicker' && typeof value === 'string' && (!ENTITY_NAME.test(value) || value.length > 63)) {
    return custom(schema, 'pattern') ?? 'Use 1 to 63 letters and digits, joined by single "-", "_" or "." (for example "order-history").';
  }
  const catalogPicker = uiField === 'EntityPicker' || uiField === 'OwnerPicker' || uiField === 'OwnedEntityPicker';
  if (catalogPicker && uiOptions(schema).allowArbitraryValues === false && typeof value === 'string') {
    const options = Array.isArray(schema['x-playbill-options']) ? schema['x-playbill-options'] : [];
    if (!options.some((option) => Array.isArray(option) && option[0] === value)) return `Choose one of the listed ${uiField === 'OwnerPicker' ? 'owners' : 'entities'}.`;
  }
  if (Object.hasOwn(schema, 'const') && schema.const !== value) return `${title} must be ${JSON.stringify(schema.const)}.`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return `Choose one of the listed values for ${title}.`;
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return `${title} must be text.`;
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) return custom(schema, 'minLength') ?? `Use at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'} (now ${value.length}).`;
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return custom(schema, 'maxLength') ?? `Use at most ${schema.maxLength} characters (now ${value.length}).`;
      if (typeof schema.pattern === 'string') {
        const pattern = safeRegExp(schema.pattern);
        if (pattern !== undefined && !pattern.test(value)) {
          const hint = typeof schema.description === 'string' ? ` ${schema.description}` : '';
          return custom(schema, 'pattern') ?? `This doesn't have the expected form (pattern ${schema.pattern}).${hint}`;
        }
      }
      return undefined;
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || Number.isNaN(value)) return `${title} must be a number.`;
      if (schema.type === 'integer' && !Number.isInteger(value)) return `${title} must be a whole number.`;
      if (typeof schema.minimum === 'number' && value < schema.minimum) return custom(schema, 'minimum') ?? `${title} must be at least ${schema.minimum}.`;
      if (typeof schema.maximum === 'number' && value > schema.maximum) return custom(schema, 'maximum') ?? `${title} must be at most ${schema.maximum}.`;
      if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return `${title} must be more than ${schema.exclusiveMinimum}.`;
      if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) return `${title} must be less than ${schema.exclusiveMaximum}.`;
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value)) return `${title} must be a list.`;
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) return `Choose at least ${schema.minItems}.`;
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return `Choose at most ${schema.maxItems}.`;
      if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return 'Each item may appear only once.';
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${title} must be yes or no.`;
    default:
      return undefined;
  }
}

/** Every problem on a page for the given values, by field name (nested objects by "a.b"). */
export function checkPage(page: Schema, values: Values, prefix = ''): Map<string, string> {
  const errors = new Map<string, string>();
  for (const field of fieldsOf(page, values)) {
    const value = values[field.name];
    const message = checkField(field, value);
    if (message !== undefined) errors.set(prefix + field.name, message);
    if (field.schema.type === 'object' && isPlainObject(field.schema.properties) && (isPlainObject(value) || field.required)) {
      for (const [name, nested] of checkPage(field.schema, isPlainObject(value) ? value : {}, `${prefix}${field.name}.`)) errors.set(name, nested);
    }
  }
  return errors;
}

/** The form's values for the run: only fields the pages show now (a hidden branch's values drop out). */
export function visibleValues(pages: readonly Schema[], values: Values): Values {
  const result: Values = {};
  for (const page of pages) for (const field of fieldsOf(page, values)) if (values[field.name] !== undefined) result[field.name] = values[field.name];
  return result;
}
