import { renderStepInput, isTruthy } from './render-input.ts';
import { describePublish } from './publish-plan.ts';
import { SCAFFOLDER_FILTERS } from './scaffolder-filters.ts';
import { actionSupport } from './actions.ts';
import type { TemplateSpec, TemplateStep } from './template-spec.ts';
import {
  DEFAULT_WORKSPACE_LIMITS,
  FILE_ACTION_RUNNERS,
  type TemplateFiles,
  type Workspace,
  type WorkspaceLimits,
} from './fetch-actions.ts';
import type { RenderLimits } from './nunjucks/render.ts';

/**
 * Runs a template's steps in order, as Backstage's workflow runner does: each step's `if:` and
 * input are rendered from the parameters and the outputs of earlier steps; file-building steps
 * run here; publishing steps run only when a publisher is given (the CLI's `--publish`);
 * every other action is reported, by name, as not run.
 */

/** What happened to one step. */
export interface StepReport {
  id: string | undefined;
  name: string;
  action: string;
  outcome: 'wrote' | 'skipped' | 'published' | 'nothing-to-do' | 'not-run' | 'failed';
  /** One line for people: what was written, why it was skipped or not run. */
  detail: string;
  /** The rendered input (what Backstage would have received). */
  input: unknown;
  /** Workspace paths the step wrote. */
  written: string[];
}

/** Runs a publishing step; returns the step's output (remoteUrl, repoContentsUrl, …). */
export type Publisher = (step: TemplateStep, input: unknown, workspace: Workspace) => Promise<{ output: Record<string, unknown>; detail: string }>;

export interface RunTemplateOptions {
  spec: TemplateSpec;
  /** Repository-relative path of the template file (skeleton URLs are relative to it). */
  templatePath: string;
  files: TemplateFiles;
  /** The form's values. */
  parameters: Record<string, unknown>;
  /** Runs `publish:github` and friends; without it they are described, not run. */
  publish?: Publisher;
  /** `user.ref` and `user.entity` in templates. */
  user?: Record<string, unknown>;
  limits?: WorkspaceLimits;
  renderLimits?: RenderLimits;
}

export interface RunResult {
  files: Workspace;
  steps: StepReport[];
  /** Inputs that could not be rendered (kept as written, as Backstage does). */
  warnings: string[];
  /** Set when a step failed; later steps did not run. */
  error?: { step: string; message: string };
}

/** What a step that does not run here would do; a publishing step says exactly what it would create. */
function describeNotRun(action: string, input: unknown, fileCount: number): string {
  if (action.startsWith('publish:')) return describePublish(action, input, fileCount);
  if (actionSupport(action) === 'nothing-to-do') {
    if (action === 'catalog:register') return 'nothing to do: the next portal build finds the new repository and its catalog-info.yaml';
    return 'nothing to do on a static portal';
  }
  return `not run: ${action} runs only in Backstage's scaffolder`;
}

/** Runs every step; never throws for a template's mistakes (they end up in `error`). */
export async function runTemplate(options: RunTemplateOptions): Promise<RunResult> {
  const workspace: Workspace = new Map();
  const steps: StepReport[] = [];
  const warnings: string[] = [];
  const outputs: Record<string, { output: Record<string, unknown> }> = {};
  const renderOptions = { filters: SCAFFOLDER_FILTERS, ...(options.renderLimits && { limits: options.renderLimits }) };
  for (const step of options.spec.steps) {
    const name = step.name ?? step.id ?? step.action;
    const context = { parameters: options.parameters, steps: outputs, secrets: {}, user: options.user ?? {} };
    const warn = (message: string) => warnings.push(`${name}: ${message}`);
    const report = (outcome: StepReport['outcome'], detail: string, input: unknown, written: string[] = []) =>
      steps.push({ id: step.id, name, action: step.action, outcome, detail, input, written });
    try {
      if (step.if !== undefined && !isTruthy(renderStepInput(step.if, context, renderOptions, warn))) {
        report('skipped', 'skipped: its if: condition is false', undefined);
        continue;
      }
      const input = renderStepInput(step.input ?? {}, context, renderOptions, warn);
      const runFiles = FILE_ACTION_RUNNERS[step.action];
      if (runFiles !== undefined) {
        const result = await runFiles(input, {
          files: options.files,
          templatePath: options.templatePath,
          workspace,
          limits: options.limits ?? DEFAULT_WORKSPACE_LIMITS,
          ...(options.renderLimits && { renderLimits: options.renderLimits }),
        });
        for (const note of result.notes) warn(note);
        if (result.remoteUrl !== undefined) {
          report('not-run', `not run: the files are at ${result.remoteUrl}, which only Backstage fetches (Playbill reads the template's own repository)`, input);
        } else report('wrote', `wrote ${result.written.length} file${result.written.length === 1 ? '' : 's'}`, input, result.written);
        if (step.id !== undefined) outputs[step.id] = { output: {} };
        continue;
      }
      if (actionSupport(step.action) === 'publish' && options.publish !== undefined) {
        const published = await options.publish(step, input, workspace);
        if (step.id !== undefined) outputs[step.id] = { output: published.output };
        report('published', published.detail, input);
        continue;
      }
      report(actionSupport(step.action) === 'nothing-to-do' ? 'nothing-to-do' : 'not-run', describeNotRun(step.action, input, workspace.size), input);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // The report names the action already.
      const message = text.startsWith(`${step.action}: `) ? text.slice(step.action.length + 2) : text;
      report('failed', message, undefined);
      return { files: workspace, steps, warnings, error: { step: name, message } };
    }
  }
  return { files: workspace, steps, warnings };
}

