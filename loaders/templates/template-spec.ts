import { z } from 'zod';

/**
 * The parts of a `kind: Template` entity (scaffolder.backstage.io/v1beta3) that Playbill runs.
 * The form's JSON Schema is kept as data (see form-schema.ts); steps are read loosely, as
 * Backstage reads them, and each action checks its own input.
 */

/** One step of `spec.steps`. */
export const templateStepSchema = z.looseObject({
  /** Referenced by later steps as `steps.<id>.output`. */
  id: z.string().optional(),
  /** Shown to people. */
  name: z.string().optional(),
  /** e.g. `fetch:template`, `publish:github`. */
  action: z.string().min(1),
  /** Rendered from the parameters before the step runs. */
  input: z.record(z.string(), z.unknown()).optional(),
  /** A condition: the step is skipped when it renders falsy. */
  if: z.union([z.string(), z.boolean()]).optional(),
});

/** `spec` of a Template entity. */
export const templateSpecSchema = z.looseObject({
  /** e.g. `service`, `website`, `documentation`. */
  type: z.string().optional(),
  owner: z.string().optional(),
  /** The form: one JSON Schema object per page, or one object. */
  parameters: z.union([z.array(z.record(z.string(), z.unknown())), z.record(z.string(), z.unknown())]).optional(),
  steps: z.array(templateStepSchema).default([]),
  output: z.record(z.string(), z.unknown()).optional(),
});

export type TemplateStep = z.infer<typeof templateStepSchema>;
export type TemplateSpec = z.infer<typeof templateSpecSchema>;
