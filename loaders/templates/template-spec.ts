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

/** Actions that build files in the workspace; Playbill runs these itself. */
export const FILE_ACTIONS = ['fetch:template', 'fetch:plain', 'fetch:template:file', 'fetch:plain:file'] as const;

/** Actions the CLI runs with `--publish`. */
export const PUBLISH_ACTIONS = ['publish:github', 'publish:github:pull-request'] as const;

/** Actions with nothing to do on a static portal: the next build finds the new repository. */
export const NOTHING_TO_DO_ACTIONS = ['catalog:register', 'debug:log', 'debug:wait'] as const;

/** How much of a template runs without Backstage. */
export type SupportLevel = 'full' | 'partial' | 'backstage-only';

/** What Playbill does with an action. */
export function actionSupport(action: string): 'files' | 'publish' | 'nothing-to-do' | 'backstage-only' {
  if ((FILE_ACTIONS as readonly string[]).includes(action)) return 'files';
  if ((PUBLISH_ACTIONS as readonly string[]).includes(action)) return 'publish';
  if ((NOTHING_TO_DO_ACTIONS as readonly string[]).includes(action)) return 'nothing-to-do';
  return 'backstage-only';
}

/**
 * Runs fully when every step is one Playbill runs; Backstage-only when no step builds files;
 * partly otherwise. The steps only Backstage runs are listed beside the badge.
 */
export function supportOf(steps: readonly TemplateStep[]): { level: SupportLevel; backstageOnly: string[] } {
  const backstageOnly = [...new Set(steps.filter((step) => actionSupport(step.action) === 'backstage-only').map((step) => step.action))];
  const buildsFiles = steps.some((step) => actionSupport(step.action) === 'files');
  if (!buildsFiles) return { level: 'backstage-only', backstageOnly };
  return { level: backstageOnly.length === 0 ? 'full' : 'partial', backstageOnly };
}
