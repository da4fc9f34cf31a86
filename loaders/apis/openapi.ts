import { parse } from 'yaml';
import { z } from 'zod';

/** The parts of an OpenAPI 3 / Swagger 2 document the API page shows. Everything else is ignored. */
const parameterSchema = z.looseObject({
  name: z.string().optional(),
  in: z.string().optional(),
  required: z.boolean().optional(),
  description: z.string().optional(),
  $ref: z.string().optional(),
  schema: z.looseObject({ type: z.string().optional() }).optional().catch(undefined),
  type: z.string().optional(),
});
const operationSchema = z.looseObject({
  summary: z.string().optional(),
  description: z.string().optional(),
  operationId: z.string().optional(),
  deprecated: z.boolean().optional(),
  parameters: z.array(parameterSchema).optional().catch(undefined),
  responses: z.record(z.string(), z.looseObject({ description: z.string().optional() }).catch({})).optional().catch(undefined),
});
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const pathItemSchema = z.looseObject({
  parameters: z.array(parameterSchema).optional().catch(undefined),
  ...Object.fromEntries(METHODS.map((m) => [m, operationSchema.optional().catch(undefined)])),
});
const documentSchema = z.looseObject({
  openapi: z.string().optional(),
  swagger: z.string().optional(),
  info: z.looseObject({ title: z.string().optional(), version: z.string().optional(), description: z.string().optional() }).optional().catch(undefined),
  servers: z.array(z.looseObject({ url: z.string() })).optional().catch(undefined),
  paths: z.record(z.string(), pathItemSchema.catch({})).optional().catch(undefined),
});

export type Parameter = z.infer<typeof parameterSchema>;

/** One operation, flattened for display. */
const summaryOperationSchema = z.object({
  method: z.enum(METHODS),
  path: z.string(),
  summary: z.string().optional(),
  description: z.string().optional(),
  operationId: z.string().optional(),
  deprecated: z.boolean(),
  parameters: z.array(parameterSchema),
  responses: z.array(z.object({ status: z.string(), description: z.string() })),
});
export type Operation = z.infer<typeof summaryOperationSchema>;

/** What an API page shows of an OpenAPI document (kept between builds, so a schema). */
export const openApiSummarySchema = z.object({
  title: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  servers: z.array(z.string()),
  operations: z.array(summaryOperationSchema),
});
export type OpenApiSummary = z.infer<typeof openApiSummarySchema>;

/**
 * Reads an OpenAPI definition (YAML or JSON) into a list of operations, or undefined when
 * the text is not one. Never throws: a broken definition still shows as raw text.
 */
export function summariseOpenApi(text: string): OpenApiSummary | undefined {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  const doc = documentSchema.safeParse(raw);
  if (!doc.success || (!doc.data.openapi && !doc.data.swagger)) return undefined;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.data.paths ?? {})) {
    for (const method of METHODS) {
      const op = operationSchema.optional().catch(undefined).parse(item[method]);
      if (!op) continue;
      const shared = item.parameters ?? [];
      const own = op.parameters ?? [];
      const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
      const operation: Operation = {
        method,
        path,
        deprecated: op.deprecated ?? false,
        parameters,
        responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({ status, description: r.description ?? '' })),
      };
      if (op.summary) operation.summary = op.summary;
      if (op.description) operation.description = op.description;
      if (op.operationId) operation.operationId = op.operationId;
      operations.push(operation);
    }
  }
  const summary: OpenApiSummary = { servers: (doc.data.servers ?? []).map((s) => s.url), operations };
  if (doc.data.info?.title) summary.title = doc.data.info.title;
  if (doc.data.info?.version) summary.version = doc.data.info.version;
  if (doc.data.info?.description) summary.description = doc.data.info.description;
  return summary;
}
