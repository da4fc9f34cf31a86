import { createHighlighter, type Highlighter, type ShikiTransformer } from 'shiki';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import { createOnigurumaEngine } from 'shiki/engine/oniguruma';
import { CODE_THEMES } from '../docs/highlight.ts';

/**
 * An API page's raw definition, highlighted. The page used Astro's `<Code>` component, whose
 * Shiki runs its grammars' regular expressions on Oniguruma (WebAssembly): 11–14 ms for a
 * 134-line OpenAPI document, most of what an API page cost (the build now highlights
 * definitions on a docs worker thread: `portal-apis.ts`). A definition is only ever shown
 * in one of four grammars, and for those Shiki's JavaScript regular-expression engine gives
 * the same tokens in a quarter to a third less time (8–9 ms), so this highlighter uses it,
 * and writes the HTML `<Code>` writes, byte for byte (`highlight-definition.test.ts` checks
 * that against Astro's own highlighter on real and generated definitions and on edge cases).
 *
 * Definitions are untrusted, and V8's regular expressions backtrack where Oniguruma's do
 * not on some lines: YAML's double-quoted string rule takes time growing with the square of
 * a line of escaped quotes (a 150,000-character line: 99 s, against half a second on
 * Oniguruma). Such cost stays small on short lines (about 20 ms at 1,000 characters), so the
 * JavaScript engine only gets definitions of ordinary shape, every line at most 1,000
 * characters and the whole at most 64 KiB; the rest (minified JSON, very large documents) is
 * highlighted on Oniguruma, as Astro does, with the same output.
 */

/** The grammars a definition can be shown in; anything else is shown as plain text. */
const GRAMMARS = ['yaml', 'json', 'graphql', 'proto'] as const;

/** True when the definition is only a link to where it lives. */
export function isDefinitionUrl(definition: string): boolean {
  return /^https?:\/\/\S+$/.test(definition.trim());
}

/** The language a definition is shown in: from the API's type, and JSON when it reads as JSON. */
export function definitionLang(type: string, definition: string): string {
  const trimmed = definition.trimStart();
  if (type === 'graphql') return 'graphql';
  if (type === 'grpc') return 'proto';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  return type === 'openapi' || type === 'asyncapi' ? 'yaml' : 'txt';
}

/** The longest line, and the largest definition, the JavaScript engine is given. */
export const JS_ENGINE_MAX_LINE = 1000;
export const JS_ENGINE_MAX_CHARS = 64 * 1024;

/** Which regular-expression engine highlights this definition (see above). */
export function regexEngineFor(definition: string): 'javascript' | 'oniguruma' {
  if (definition.length > JS_ENGINE_MAX_CHARS) return 'oniguruma';
  return definition.split('\n').some((line) => line.length > JS_ENGINE_MAX_LINE) ? 'oniguruma' : 'javascript';
}

const highlighters = new Map<'javascript' | 'oniguruma', Promise<Highlighter>>();
function highlighterFor(engine: 'javascript' | 'oniguruma'): Promise<Highlighter> {
  let highlighter = highlighters.get(engine);
  if (!highlighter) {
    // Oniguruma as Astro loads it (@astrojs/internal-helpers' default engine).
    const regexEngine = engine === 'javascript' ? createJavaScriptRegexEngine() : createOnigurumaEngine(import('shiki/wasm'));
    highlighter = createHighlighter({ langs: [...GRAMMARS], themes: Object.values(CODE_THEMES), engine: regexEngine });
    highlighters.set(engine, highlighter);
  }
  return highlighter;
}

/** What `<Code>` does to Shiki's `<pre>`: its class renamed, the language named, scrolling sideways. */
function asAstroCode(lang: string): ShikiTransformer {
  return {
    pre(node) {
      const join = (value: unknown) => (Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '');
      node.properties['class'] = join(node.properties['class']).replace(/shiki/g, 'astro-code');
      node.properties['dataLanguage'] = lang;
      node.properties['style'] = `${join(node.properties['style'])}; overflow-x: auto;`;
    },
  };
}

/** The definition as HTML, exactly as `<Code code={definition} lang={lang} themes={…}>` writes it. */
export async function highlightDefinition(definition: string, lang: string, engine = regexEngineFor(definition)): Promise<string> {
  const shiki = await highlighterFor(engine);
  // `<Code>` shows an unknown language as plain text but still names it on the `<pre>`.
  const grammar = (GRAMMARS as readonly string[]).includes(lang) ? lang : 'plaintext';
  return shiki.codeToHtml(definition.replace(/(?:\r\n|\r|\n)$/, ''), { lang: grammar, themes: CODE_THEMES, defaultColor: 'light', transformers: [asAstroCode(lang)] });
}

/** Frees the highlighters and their compiled grammars (a worker thread moving on to other work); the next call makes them again. */
export async function disposeDefinitionHighlighters(): Promise<void> {
  const made = [...highlighters.values()];
  highlighters.clear();
  for (const highlighter of await Promise.all(made)) highlighter.dispose();
}
