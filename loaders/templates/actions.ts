import type { TemplateStep } from './template-spec.ts';

/**
 * Which scaffolder actions Playbill runs itself, which the CLI publishes with, and which only
 * Backstage's scaffolder runs. No schema here: the browser imports it.
 */

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
