/**
 * Writes a synthetic organisation: N repositories with realistic descriptors (groups, users,
 * systems, components, APIs, resources with relations) and M docs pages of realistic
 * Markdown (headings, code in several languages, tables, admonitions, links within the site
 * and out of it, bare URLs and e-mail addresses).
 *
 *   node bench/generate.ts <out-dir> --repos 100 --pages 1000
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

export interface GenerateOptions {
  repos: number;
  pages: number;
  /** Seed for the deterministic pseudo-random choices. */
  seed?: number;
}

const WORDS = 'payment order invoice ledger catalog search profile session token billing shipment inventory report export import audit event stream cache gateway notify'.split(' ');
const LANGS: [string, string][] = [
  ['ts', "export async function handler(event: Request): Promise<Response> {\n  const body = await event.json();\n  return Response.json({ ok: true, id: body.id });\n}"],
  ['python', 'def handler(event, context):\n    """Handle one event."""\n    return {"ok": True, "id": event["id"]}'],
  ['go', 'func Handler(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set("Content-Type", "application/json")\n\tfmt.Fprintf(w, `{"ok":true}`)\n}'],
  ['yaml', 'service:\n  replicas: 3\n  resources:\n    limits: { cpu: "500m", memory: 512Mi }'],
  ['bash', 'kubectl rollout restart deployment/$SERVICE\nkubectl rollout status deployment/$SERVICE --timeout=120s'],
  ['sql', 'SELECT id, status, created_at\nFROM orders\nWHERE customer_id = $1\nORDER BY created_at DESC\nLIMIT 20;'],
];

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function page(title: string, i: number, siblings: number, rand: () => number): string {
  const word = () => WORDS[Math.floor(rand() * WORDS.length)] ?? 'thing';
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const [lang, code] = LANGS[i % LANGS.length] ?? LANGS[0] ?? ['ts', ''];
  const next = (i + 1) % siblings;
  return [
    `# ${title}`,
    '',
    `This page explains how the ${word()} ${word()} works, and what to do when the ${word()} is slow. ${sentence(30)}.`,
    '',
    '## Overview',
    '',
    `${sentence(60)}. See [the next page](${next === 0 ? 'index' : `page-${next}`}.md) and the [home page](index.md).`,
    '',
    '!!! note "Before you start"',
    `    ${sentence(20)}.`,
    '',
    '## Configuration',
    '',
    '| Setting | Default | Meaning |',
    '| --- | --- | --- |',
    ...Array.from({ length: 5 }, (_, k) => `| \`${word()}.${word()}\` | ${k * 10} | ${sentence(6)} |`),
    '',
    `\`\`\`${lang}`,
    code,
    '```',
    '',
    '## Operations',
    '',
    ...Array.from({ length: 4 }, () => `- ${sentence(12)}`),
    '',
    '### Troubleshooting',
    '',
    `${sentence(80)}.`,
    '',
    // About half of real TechDocs pages link out or name a contact (the shared corpus: 23 of 52).
    ...(i % 2 === 0 ? [`Runbook: https://runbooks.example.com/${word()}/${word()}, dashboards at [Grafana](https://grafana.example.com/d/${word()}), questions to ${word()}-team@example.com.`, ''] : []),
  ].join('\n');
}

/**
 * An OpenAPI document for one service: one to three resources, each with five operations,
 * parameters, responses and a schema (75, 134 or 193 lines). The shared corpus's
 * inline definitions run from 48 to 1,180 lines (median 131, petstore 112); a five-line stub, as the
 * bench had until now, left out most of what an API page costs to build (highlighting it).
 * Its own random sequence, so the docs pages stay as they were.
 */
function openApi(name: string, rand: () => number): string {
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)] ?? 'item';
  const start = Math.floor(rand() * WORDS.length);
  // Distinct resources: WORDS has 20 entries and 7 is prime to 20.
  const resources = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) => WORDS[(start + 7 * i) % WORDS.length] ?? 'item');
  const title = (w: string) => `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}`;
  const error = ['        default:', '          description: unexpected error', '          content:', '            application/json:', '              schema:', "                $ref: '#/components/schemas/Error'"];
  const lines = ['openapi: 3.0.3', 'info:', `  title: ${name} API`, '  version: 1.4.0', `  description: The ${name} service's public API.`, 'servers:', `  - url: https://${name}.example.com/v1`, 'paths:'];
  for (const r of resources) {
    const one = title(r);
    lines.push(
      `  /${r}s:`,
      '    get:',
      `      summary: List ${r}s`,
      `      operationId: list${one}s`,
      '      parameters:',
      '        - { name: limit, in: query, required: false, schema: { type: integer, maximum: 100 } }',
      '        - { name: cursor, in: query, required: false, schema: { type: string } }',
      '      responses:',
      "        '200':",
      `          description: A page of ${r}s`,
      '          content:',
      '            application/json:',
      '              schema:',
      '                type: array',
      `                items: { $ref: '#/components/schemas/${one}' }`,
      ...error,
      '    post:',
      `      summary: Create a ${r}`,
      `      operationId: create${one}`,
      '      requestBody:',
      '        required: true',
      `        content: { application/json: { schema: { $ref: '#/components/schemas/${one}' } } }`,
      '      responses:',
      "        '201': { description: Created }",
      ...error,
      `  /${r}s/{id}:`,
      '    parameters:',
      '      - { name: id, in: path, required: true, schema: { type: string, format: uuid } }',
      '    get:',
      `      summary: Get one ${r}`,
      `      operationId: get${one}`,
      `      responses: { '200': { description: The ${r} }, '404': { description: Not found } }`,
      '    put:',
      `      summary: Replace a ${r}`,
      `      operationId: replace${one}`,
      "      responses: { '200': { description: Replaced }, '409': { description: Conflict } }",
      '    delete:',
      `      summary: Delete a ${r}`,
      `      operationId: delete${one}`,
      `      deprecated: ${rand() < 0.2}`,
      "      responses: { '204': { description: Deleted } }",
    );
  }
  lines.push('components:', '  schemas:', '    Error:', '      type: object', '      required: [code, message]', '      properties:', '        code: { type: integer, format: int32 }', '        message: { type: string }');
  for (const r of resources) {
    lines.push(`    ${title(r)}:`, '      type: object', '      required: [id]', '      properties:', '        id: { type: string, format: uuid }', `        ${pick()}: { type: string }`, `        ${pick()}Count: { type: integer }`, '        createdAt: { type: string, format: date-time }');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the organisation; returns how many entities and pages it wrote. */
export async function generateOrganisation(out: string, options: GenerateOptions): Promise<{ entities: number; pages: number }> {
  const rand = random(options.seed ?? 42);
  await rm(out, { recursive: true, force: true });
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(out, path)), { recursive: true });
    await writeFile(join(out, path), text);
  };
  const teams = Math.max(2, Math.ceil(options.repos / 10));
  const systems = Math.max(1, Math.ceil(options.repos / 8));
  const org: string[] = [];
  org.push(doc('Group', 'org', { type: 'organization', children: Array.from({ length: teams }, (_, t) => `team-${t}`) }));
  for (let t = 0; t < teams; t++) {
    org.push(doc('Group', `team-${t}`, { type: 'team', parent: 'org', children: [] }));
    for (let u = 0; u < 3; u++) org.push(doc('User', `user-${t}-${u}`, { memberOf: [`team-${t}`], profile: { displayName: `User ${t}.${u}`, email: `user-${t}-${u}@example.com` } }));
  }
  org.push(doc('Domain', 'main', { owner: 'team-0' }));
  for (let s = 0; s < systems; s++) org.push(doc('System', `system-${s}`, { owner: `team-${s % teams}`, domain: 'main' }));
  await write('org/catalog-info.yaml', org.join('---\n'));
  let entities = org.length;

  const perRepo = Math.floor(options.pages / options.repos);
  let extra = options.pages - perRepo * options.repos;
  let pages = 0;
  for (let r = 0; r < options.repos; r++) {
    const name = `service-${r}`;
    const owner = `team-${r % teams}`;
    const system = `system-${r % systems}`;
    const count = perRepo + (extra-- > 0 ? 1 : 0);
    const docs = [
      doc('Component', name, {
        type: r % 5 === 0 ? 'library' : 'service',
        lifecycle: ['production', 'experimental', 'deprecated'][r % 3],
        owner,
        system,
        providesApis: [`${name}-api`],
        consumesApis: r > 0 ? [`service-${r - 1}-api`] : [],
        dependsOn: [`resource:${name}-db`],
      }, { tags: ['typescript', WORDS[r % WORDS.length] ?? 'x'], description: `Handles ${WORDS[r % WORDS.length]} for the ${system}.`, ...(count > 0 ? { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } } : {}) }),
      doc('API', `${name}-api`, { type: 'openapi', lifecycle: 'production', owner, system, definition: { $text: './openapi.yaml' } }),
      doc('Resource', `${name}-db`, { type: 'database', owner, system }),
    ];
    entities += docs.length;
    await write(`${name}/catalog-info.yaml`, docs.join('---\n'));
    await write(`${name}/openapi.yaml`, openApi(name, random(Math.imul((options.seed ?? 42) ^ Math.imul(r + 1, 0x9e3779b1), 0x85ebca6b))));
    if (count > 0) {
      await write(`${name}/mkdocs.yml`, `site_name: ${name}\n`);
      for (let p = 0; p < count; p++) {
        await write(`${name}/docs/${p === 0 ? 'index' : `page-${p}`}.md`, page(p === 0 ? `${name}` : `${name} page ${p}`, p, count, rand));
      }
      pages += count;
    }
  }
  return { entities, pages };
}

function doc(kind: string, name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): string {
  const apiVersion = 'backstage.io/v1alpha1';
  return `${JSON.stringify({ apiVersion, kind, metadata: { name, ...metadata }, spec })}\n`;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { repos: { type: 'string', default: '100' }, pages: { type: 'string', default: '1000' } } });
  const out = positionals[0] ?? 'bench/out/org';
  const result = await generateOrganisation(out, { repos: Number(values.repos), pages: Number(values.pages) });
  process.stdout.write(`wrote ${result.entities} entities and ${result.pages} docs pages to ${out}\n`);
}
