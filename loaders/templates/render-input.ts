import { isSingleExpression, renderTemplate, type RenderOptions } from './nunjucks/render.ts';

/**
 * Step inputs are rendered from the run's context the way Backstage's workflow runner renders
 * them: every string in the input is a template; a string that is exactly one `${{ }}`
 * expression keeps its JSON type (`${{ parameters.port }}` stays a number, an object stays an
 * object); a string that renders empty disappears from the input.
 */
export function renderStepInput(input: unknown, context: Record<string, unknown>, options: RenderOptions, warn: (message: string) => void = () => {}): unknown {
  return JSON.parse(JSON.stringify(input ?? null), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    try {
      return renderString(value, context, options);
    } catch (error) {
      // Backstage keeps the text as written when it cannot render it; say so.
      warn(`could not render ${JSON.stringify(value)}: ${error instanceof Error ? error.message : String(error)}; kept as written`);
      return value;
    }
  });
}

function renderString(value: string, context: Record<string, unknown>, options: RenderOptions): unknown {
  if (isSingleExpression(value)) {
    // Backstage rewrites `${{ x }}` as `${{ (x) | dump }}` and parses the JSON back; when that
    // fails it falls back to rendering the string as text.
    try {
      const dumped = renderTemplate(value.replace(/\${{(.+)}}/g, '${{ ( $1 ) | dump }}'), context, options);
      if (dumped === '') return undefined;
      return JSON.parse(dumped);
    } catch {
      // fall through to a plain render
    }
  }
  const rendered = renderTemplate(value, context, options);
  return rendered === '' ? undefined : rendered;
}

/** Backstage's truthiness for `if:`: an empty list is false, anything else as JavaScript. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
