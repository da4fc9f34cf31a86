/**
 * Entity references, read and written exactly as Backstage does:
 * `[kind:][namespace/]name`, compared case-insensitively, written lowercased.
 */

export const DEFAULT_NAMESPACE = 'default';

/** A fully resolved reference to one entity. */
export interface CompoundRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Defaults used to fill in the parts a short reference leaves out. */
export interface RefContext {
  /** Kind assumed when the reference has none (e.g. `Group` for `spec.owner`). */
  defaultKind?: string;
  /** Namespace assumed when the reference has none: the referring entity's. */
  defaultNamespace?: string;
}

/** Thrown for a reference that cannot be read; the message says what form is expected. */
export class RefError extends Error {}

/**
 * Parses `[kind:][namespace/]name`. A `:` after the first `/` belongs to the name,
 * as in Backstage (`default/a:b` has no kind).
 */
export function parseEntityRef(ref: string, context: RefContext = {}): CompoundRef {
  if (ref.length === 0) throw new RefError('Entity reference must not be empty');
  let colon = ref.indexOf(':');
  const slash = ref.indexOf('/');
  if (slash !== -1 && slash < colon) colon = -1;
  const kindPart = colon === -1 ? undefined : ref.slice(0, colon);
  const namespacePart = slash === -1 ? undefined : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (kindPart === '' || namespacePart === '' || name === '') {
    throw new RefError(`Entity reference "${ref}" is not of the form [<kind>:][<namespace>/]<name>`);
  }
  const kind = kindPart ?? context.defaultKind;
  if (!kind) {
    throw new RefError(
      `Entity reference "${ref}" has no kind, and this field has no default kind; write it as e.g. "component:${ref}" or "resource:${ref}"`,
    );
  }
  return { kind, namespace: namespacePart ?? context.defaultNamespace ?? DEFAULT_NAMESPACE, name };
}

/** The one way to write a reference: `kind:namespace/name`, lowercased. */
export function stringifyEntityRef(ref: CompoundRef): string {
  return `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase();
}

/** A reference written for people: the kind and the default namespace are left out where clear. */
export function humanizeEntityRef(ref: CompoundRef, options: { defaultKind?: string } = {}): string {
  const kind = options.defaultKind && options.defaultKind.toLowerCase() === ref.kind.toLowerCase() ? '' : `${ref.kind.toLowerCase()}:`;
  const namespace = ref.namespace.toLowerCase() === DEFAULT_NAMESPACE ? '' : `${ref.namespace}/`;
  return `${kind}${namespace}${ref.name}`;
}
