import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundledLanguages, createHighlighter, type BundledLanguage, type Highlighter } from 'shiki';
import { z } from 'zod';

/** How one fenced block asks to be shown. */
export interface CodeOptions {
  lang: string;
  /** First line number, when line numbers are on. */
  lineNumbersFrom?: number;
  /** 1-based lines to emphasise (`hl_lines="2 4-5"`). */
  highlightLines?: ReadonlySet<number>;
}

/** The portal's code colours: light and dark, switched by CSS variables (API definitions use them too). */
export const CODE_THEMES = { light: 'github-light', dark: 'github-dark' } as const;
let highlighter: Promise<Highlighter> | undefined;

function isBundled(lang: string): lang is BundledLanguage {
  return Object.hasOwn(bundledLanguages, lang);
}

const cacheFileSchema = z.record(z.string(), z.string());

/**
 * Shiki at build time, light and dark themes in one pass (CSS variables switch them), no
 * JavaScript shipped. Results are cached by a digest of code and options; `save` keeps what
 * this build used first, then older entries (sites reused whole highlight nothing), up to a
 * bound, so the cache never grows without limit.
 */
export class CodeHighlighter {
  #cache = new Map<string, string>();
  #used = new Map<string, string>();
  /** Used since the last `drain()`: what a worker thread reports back after each job. */
  #recent = new Map<string, string>();
  /** Blocks served from the cache, and highlighted anew, this run. */
  hits = 0;
  misses = 0;

  /** Reads a cache written by an earlier build; a missing or damaged file is an empty cache. */
  async load(file: string): Promise<void> {
    try {
      const parsed = cacheFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) this.#cache = new Map(Object.entries(parsed.data));
    } catch {
      this.#cache = new Map();
    }
  }

  async save(file: string, limit = 50_000): Promise<void> {
    const kept = new Map(this.#used);
    for (const [key, html] of this.#cache) {
      if (kept.size >= limit) break;
      if (!kept.has(key)) kept.set(key, html);
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(Object.fromEntries(kept)));
  }

  /** Blocks used since the last call, and the counts, then starts over (a worker's report). */
  drain(): { entries: [string, string][]; hits: number; misses: number } {
    const report = { entries: [...this.#recent], hits: this.hits, misses: this.misses };
    this.#recent.clear();
    this.hits = 0;
    this.misses = 0;
    return report;
  }

  /** Takes in a worker's report, so `save` keeps what the workers used. */
  absorb(report: { entries: [string, string][]; hits: number; misses: number }): void {
    for (const [key, html] of report.entries) this.#used.set(key, html);
    this.hits += report.hits;
    this.misses += report.misses;
  }

  async highlight(code: string, options: CodeOptions): Promise<string> {
    const lang = isBundled(options.lang) ? options.lang : 'text';
    const key = createHash('sha256')
      .update(JSON.stringify([lang, options.lineNumbersFrom ?? null, [...(options.highlightLines ?? [])], code]))
      .digest('base64url');
    const cached = this.#cache.get(key) ?? this.#used.get(key);
    if (cached !== undefined) {
      this.hits++;
      this.#used.set(key, cached);
      this.#recent.set(key, cached);
      return cached;
    }
    this.misses++;
    highlighter ??= createHighlighter({ themes: Object.values(CODE_THEMES), langs: [] });
    const shiki = await highlighter;
    if (lang !== 'text' && !shiki.getLoadedLanguages().includes(lang)) await shiki.loadLanguage(lang);
    const { lineNumbersFrom, highlightLines } = options;
    const html = shiki.codeToHtml(code, {
      lang,
      themes: CODE_THEMES,
      defaultColor: 'light',
      transformers: [
        {
          pre(node) {
            if (lineNumbersFrom !== undefined) {
              this.addClassToHast(node, 'line-numbers');
              node.properties['style'] = `${String(node.properties['style'] ?? '')};counter-reset:line ${lineNumbersFrom - 1}`;
            }
          },
          line(node, line) {
            if (highlightLines?.has(line)) this.addClassToHast(node, 'highlighted');
          },
        },
      ],
    });
    this.#used.set(key, html);
    this.#recent.set(key, html);
    return html;
  }
}

/** Reads `hl_lines="1 3-4"` into a set of line numbers. */
export function parseLineRanges(spec: string): Set<number> {
  const lines = new Set<number>();
  for (const part of spec.split(/[\s,]+/).filter(Boolean)) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) continue;
    const end = to !== undefined && Number.isInteger(to) ? Math.min(to, from + 10_000) : from;
    for (let n = from; n <= end; n++) lines.add(n);
  }
  return lines;
}
