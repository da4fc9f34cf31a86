import { z } from 'zod';
import { definitionLang, highlightDefinition } from './highlight-definition.ts';
import { openApiSummarySchema, summariseOpenApi } from './openapi.ts';

/** An API's definition as its descriptor gives it: plain data, so it can go to a worker thread. */
export const definitionJobSchema = z.object({
  /** The API's `spec.type`: `openapi`, `asyncapi`, `graphql`, `grpc` or another. */
  type: z.string(),
  /** The definition's text (a link to it is shown as a link, and needs no view). */
  definition: z.string(),
});
export type DefinitionJob = z.infer<typeof definitionJobSchema>;

/** A definition to view, and the file its view is kept in (`portal-apis.ts`). */
export const viewTaskSchema = definitionJobSchema.extend({ file: z.string() });
export type ViewTask = z.infer<typeof viewTaskSchema>;

/** What an API page shows of its definition: the highlighted text and, for OpenAPI, its operations. */
export const definitionViewSchema = z.object({
  /** The language the definition is highlighted in. */
  lang: z.string(),
  /** The definition highlighted, as Astro's `<Code>` writes it. */
  html: z.string(),
  /** The operations of an OpenAPI document; absent for other types and broken documents. */
  openapi: openApiSummarySchema.optional(),
});
export type DefinitionView = z.infer<typeof definitionViewSchema>;

/**
 * The view of one definition. Highlighting and parsing it take 10–13 ms for a corpus-sized
 * OpenAPI document, so the build makes views on a docs worker thread while the docs render
 * (`portal-apis.ts`) instead of on the one thread that generates pages.
 */
export async function viewDefinition({ type, definition }: DefinitionJob): Promise<DefinitionView> {
  const lang = definitionLang(type, definition);
  const openapi = type === 'openapi' ? summariseOpenApi(definition) : undefined;
  const html = await highlightDefinition(definition, lang);
  return openapi ? { lang, html, openapi } : { lang, html };
}
