import { z } from 'zod';
import {
  isApiVersion,
  isDnsLabel,
  isKind,
  isLabelValue,
  isNonBlank,
  isObjectName,
  isQualifiedKey,
  isTag,
  isUrl,
} from './field-formats.ts';

/**
 * Zod schemas for Backstage-format descriptors. They accept exactly what a default
 * Backstage catalog accepts (envelope, field formats, per-kind spec), and their messages
 * say what was expected. Unknown spec fields are kept, as in Backstage.
 */

const NAME_RULE = '1-63 characters: letters and digits, separated by single "-", "_" or "."';

const nonEmpty = z.string().min(1, 'must not be empty');

/** An entity name, e.g. `payments-api`. */
export const entityNameSchema = z.string().refine(isObjectName, `must be ${NAME_RULE} (e.g. "payments-api")`);

/** A namespace: lowercase DNS label, e.g. `default`. */
export const namespaceSchema = z
  .string()
  .refine(isDnsLabel, 'must be 1-63 lowercase letters and digits separated by "-" (e.g. "default")');

/** A tag, e.g. `java` or `c++`. */
export const tagSchema = z
  .string()
  .refine(isTag, 'must be 1-63 characters of lowercase a-z, 0-9, ":", "+" or "#", separated by "-" (e.g. "java")');

/** One entry of `metadata.links`. */
export const linkSchema = z.looseObject({
  /** Absolute URL the link points at. */
  url: z.string().refine(isUrl, 'must be an absolute URL (e.g. "https://example.com/runbook")'),
  /** Text shown for the link. */
  title: z.string().refine(isNonBlank, 'must not be blank').optional(),
  /** Icon name, e.g. `dashboard`. */
  icon: z.string().refine(isNonBlank, 'must not be blank').optional(),
  /** Free-form link type, e.g. `runbook`. */
  type: nonEmpty.optional(),
});

const qualifiedKeySchema = z
  .string()
  .refine(isQualifiedKey, 'key must be [prefix/]name, the prefix a DNS subdomain and the name ' + NAME_RULE);

/** `metadata` of every entity. */
export const metadataSchema = z.looseObject({
  /** Unique within kind and namespace. */
  name: entityNameSchema,
  /** Defaults to `default`. */
  namespace: namespaceSchema.optional(),
  /** Display name. */
  title: nonEmpty.optional(),
  /** One or two sentences shown in the catalog. */
  description: z.string().optional(),
  /** Key/value pairs for selection, values are names or empty. */
  labels: z
    .record(qualifiedKeySchema, z.string().refine(isLabelValue, `label value must be empty or ${NAME_RULE}`))
    .optional(),
  /** Key/value pairs for tools, values are any string. */
  annotations: z.record(qualifiedKeySchema, z.string()).optional(),
  /** Single-word classifiers. */
  tags: z.array(tagSchema).optional(),
  /** External links shown on the entity page. */
  links: z.array(linkSchema).optional(),
  uid: nonEmpty.optional(),
  etag: nonEmpty.optional(),
});

/** The envelope every document must have. `relations` and `status` are computed, never written. */
export const envelopeSchema = z.strictObject({
  /** e.g. `backstage.io/v1alpha1`. */
  apiVersion: z.string().refine(isApiVersion, 'must be [group/]version, e.g. "backstage.io/v1alpha1"'),
  /** e.g. `Component`. */
  kind: z.string().refine(isKind, 'must be a letter followed by letters and digits, e.g. "Component"'),
  metadata: metadataSchema,
  spec: z.record(z.string(), z.unknown()).optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const refList = z.array(nonEmpty);

const profileSchema = z.looseObject({
  displayName: nonEmpty.optional(),
  email: nonEmpty.optional(),
  picture: nonEmpty.optional(),
});

const BACKSTAGE_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'] as const;

/** One built-in kind: the apiVersions it accepts and the schema of its spec. */
export interface KindDefinition {
  apiVersions: readonly string[];
  spec: z.ZodType<Record<string, unknown>>;
}

/** Built-in kinds, as a default Backstage catalog (with the scaffolder) knows them. */
export const BUILT_IN_KINDS: Record<string, KindDefinition> = {
  Component: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({
      /** e.g. `service`, `website`, `library`. */
      type: nonEmpty,
      /** e.g. `experimental`, `production`, `deprecated`. */
      lifecycle: nonEmpty,
      /** Group or User ref; default kind Group. */
      owner: nonEmpty,
      system: nonEmpty.optional(),
      subcomponentOf: nonEmpty.optional(),
      providesApis: refList.optional(),
      consumesApis: refList.optional(),
      dependsOn: refList.optional(),
    }),
  },
  API: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({
      /** `openapi`, `asyncapi`, `graphql`, `grpc` or another. */
      type: nonEmpty,
      lifecycle: nonEmpty,
      owner: nonEmpty,
      system: nonEmpty.optional(),
      /** The definition text, often pulled in with `$text: ./openapi.yaml`. */
      definition: nonEmpty,
    }),
  },
  Resource: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({
      type: nonEmpty,
      owner: nonEmpty,
      dependsOn: refList.optional(),
      system: nonEmpty.optional(),
    }),
  },
  System: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({ owner: nonEmpty, domain: nonEmpty.optional(), type: nonEmpty.optional() }),
  },
  Domain: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({ owner: nonEmpty, subdomainOf: nonEmpty.optional(), type: nonEmpty.optional() }),
  },
  Group: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({
      /** e.g. `team`, `department`. */
      type: nonEmpty,
      profile: profileSchema.optional(),
      parent: nonEmpty.optional(),
      /** Child groups; may be empty but must be present. */
      children: refList,
      members: refList.optional(),
    }),
  },
  User: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({ profile: profileSchema.optional(), memberOf: refList }),
  },
  Location: {
    apiVersions: BACKSTAGE_VERSIONS,
    spec: z.looseObject({
      type: nonEmpty.optional(),
      /** One path or URL, relative to this file. */
      target: nonEmpty.optional(),
      targets: refList.optional(),
      /** `optional` targets may be missing without a problem. */
      presence: z.enum(['required', 'optional']).optional(),
    }),
  },
  Template: {
    apiVersions: ['scaffolder.backstage.io/v1beta3'],
    spec: z.looseObject({
      type: nonEmpty,
      owner: nonEmpty.optional(),
      /** The actions to run, in order. */
      steps: z.array(z.unknown()),
    }),
  },
};

/** Kinds allowed by config beyond the built-ins accept any spec object. */
export const genericSpecSchema: z.ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown());
