import { createShikiHighlighter } from '@astrojs/internal-helpers/shiki';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageRegistration } from 'shiki';
import { bundledLanguages } from 'shiki/langs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generateOrganisation } from '../../bench/generate.ts';
import { CODE_THEMES } from '../docs/highlight.ts';
import { CORPUS_DIR, describeWithCorpus } from '../../test/support/corpus.ts';
import { definitionLang, highlightDefinition, isDefinitionUrl, JS_ENGINE_MAX_CHARS, JS_ENGINE_MAX_LINE, regexEngineFor } from './highlight-definition.ts';

const ROOT = join(import.meta.dirname, '../..');

/** What Astro's `<Code code lang themes>` writes: its own call of its own highlighter (astro/components/Code.astro). */
async function astroCode(code: string, lang: string): Promise<string> {
  // Code.astro passes the language name where the type wants a grammar; Shiki loads it by name.
  const langs = [(Object.keys(bundledLanguages).includes(lang) ? lang : 'plaintext') as unknown as LanguageRegistration];
  const highlighter = await createShikiHighlighter({ langs, theme: 'github-dark', themes: CODE_THEMES });
  return highlighter.codeToHtml(code, lang, { defaultColor: 'light', wrap: false, inline: false, transformers: [], attributes: {} });
}

/** Every API definition given inline in the descriptors under `dir`, with its type. */
async function definitionsIn(dir: string): Promise<{ type: string; definition: string; where: string }[]> {
  const found: { type: string; definition: string; where: string }[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of parseAllDocuments(await readFile(path, 'utf8'))) {
          if (!('toJS' in doc)) continue;
          const value: unknown = doc.toJS();
          if (typeof value !== 'object' || value === null || !('kind' in value) || value.kind !== 'API' || !('spec' in value)) continue;
          const spec = value.spec as Record<string, unknown>;
          if (typeof spec['definition'] === 'string') found.push({ type: String(spec['type'] ?? ''), definition: spec['definition'], where: path });
        }
      }
    }
  };
  await walk(dir);
  return found;
}

/** Both engines (whichever the definition would get) write what `<Code>` writes. */
async function expectSameAsAstro(type: string, definition: string): Promise<void> {
  const lang = definitionLang(type, definition);
  const astro = await astroCode(definition, lang);
  expect(await highlightDefinition(definition, lang, 'javascript')).toBe(astro);
  expect(await highlightDefinition(definition, lang, 'oniguruma')).toBe(astro);
}

describe('highlightDefinition writes what Astro’s <Code> writes', () => {
  it('for the sample organisation’s definitions', async () => {
    // The files the sample's API descriptors load as their definitions ($text).
    const files: [string, string][] = [
      ['openapi', 'payments-api/openapi.yaml'],
      ['openapi', 'auth-service/openapi.json'],
      ['asyncapi', 'fraud-detector/asyncapi.yaml'],
      ['graphql', 'product-catalog/schema.graphql'],
      ['grpc', 'inventory-service/proto/inventory.proto'],
    ];
    for (const [type, file] of files) await expectSameAsAstro(type, await readFile(join(ROOT, 'content', file), 'utf8'));
  });

  it('for the benchmark’s generated OpenAPI documents', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'playbill-apis-'));
    try {
      await generateOrganisation(dir, { repos: 12, pages: 0 });
      const names = (await readdir(dir)).filter((n) => n.startsWith('service-'));
      expect(names).toHaveLength(12);
      for (const name of names) await expectSameAsAstro('openapi', await readFile(join(dir, name, 'openapi.yaml'), 'utf8'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('for edge cases of every language a definition is shown in', async () => {
    const cases: [string, string][] = [
      ['openapi', ''],
      ['openapi', '   \n\t\n'],
      ['openapi', 'openapi: 3.0.0\r\ninfo:\r\n  title: "CRLF \\"quoted\\""\r\n'],
      ['openapi', 'a: 1\n\n\n'],
      ['openapi', 'anchors: &base { x: 1 }\nuse: *base\nmulti: |\n  line one\n  line <two> & "three"\n# a comment\nlist: [1, 2.5e3, null, true, ~]\n'],
      ['asyncapi', '{"asyncapi": "2.6.0", "info": {"title": "Événements ✓", "version": "1"}}'],
      ['openapi', '[{"a": [1, {"b": "</script><script>alert(1)</script>"}]}]'],
      ['graphql', 'type Query {\n  """Docs"""\n  me(id: ID!): User @deprecated(reason: "no")\n}\nfragment F on User { name }\n'],
      ['grpc', 'syntax = "proto3";\npackage a.b;\nservice S { rpc Get(Req) returns (stream Res) {} }\nmessage Req { map<string, int64> m = 1; }\n'],
      ['trpc', 'export const router = t.router({ hello: t.procedure.query(() => "<b>hi</b>") });\n'],
      ['', 'plain\ttext with\ttabs and an emoji 🚀\n'],
      ['openapi', `${'x'.repeat(5000)}: ${'y'.repeat(5000)}\n`],
    ];
    for (const [type, definition] of cases) await expectSameAsAstro(type, definition);
  });

  it('gives the JavaScript engine only definitions of ordinary shape; hostile lines go to Oniguruma', async () => {
    expect(regexEngineFor('openapi: 3.0.0\ninfo: {}\n')).toBe('javascript');
    expect(regexEngineFor(`a: ${'x'.repeat(JS_ENGINE_MAX_LINE - 3)}\nb: 1`)).toBe('javascript');
    expect(regexEngineFor(`a: ${'x'.repeat(JS_ENGINE_MAX_LINE - 2)}\nb: 1`)).toBe('oniguruma');
    expect(regexEngineFor('a: 1\n'.repeat(JS_ENGINE_MAX_CHARS / 5 + 1))).toBe('oniguruma');
    // Minified JSON: one long line.
    expect(regexEngineFor(JSON.stringify({ openapi: '3.0.0', paths: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`/p${i}`, {}])) }))).toBe('oniguruma');
    // A line of escaped quotes: V8's backtracking takes time growing with its square (99 s
    // at this length), Oniguruma about half a second. It is routed to Oniguruma, and comes
    // out as Astro writes it.
    const hostile = `a: "${'\\"x'.repeat(50_000)}\n`;
    expect(regexEngineFor(hostile)).toBe('oniguruma');
    expect(await highlightDefinition(hostile, 'yaml')).toBe(await astroCode(hostile, 'yaml'));
  });

  it('names the language on the <pre> as Astro does, known grammar or not', async () => {
    expect(await highlightDefinition('a: 1', 'yaml')).toMatch(/^<pre class="astro-code astro-code-themes github-light github-dark"[^>]*data-language="yaml"/);
    expect(await highlightDefinition('x', 'txt')).toMatch(/data-language="txt"/);
  });
});

describe('definitionLang and isDefinitionUrl', () => {
  it('follow the API type, and show JSON documents as JSON', () => {
    expect(definitionLang('openapi', 'openapi: 3.0.0')).toBe('yaml');
    expect(definitionLang('asyncapi', '  {"asyncapi": "2.0.0"}')).toBe('json');
    expect(definitionLang('grpc', 'service A {}')).toBe('proto');
    expect(definitionLang('graphql', '{ me }')).toBe('graphql');
    expect(definitionLang('trpc', 'export const router = {}')).toBe('txt');
    expect(isDefinitionUrl(' https://example.com/openapi.yaml\n')).toBe(true);
    expect(isDefinitionUrl('openapi: 3.0.0\nservers: [https://example.com]')).toBe(false);
  });
});

describeWithCorpus('highlightDefinition on the corpus’s real definitions', () => {
  it('writes what Astro’s <Code> writes for every inline definition', async () => {
    const found = await definitionsIn(join(CORPUS_DIR, 'descriptors'));
    expect(found.length).toBeGreaterThanOrEqual(5);
    for (const { type, definition, where } of found) {
      const lang = definitionLang(type, definition);
      const astro = await astroCode(definition, lang);
      expect(await highlightDefinition(definition, lang, 'javascript'), where).toBe(astro);
      expect(await highlightDefinition(definition, lang, 'oniguruma'), where).toBe(astro);
    }
  });
});
