/**
 * Turns the indentation-based block syntax of MkDocs' Markdown extensions into HTML
 * wrappers that CommonMark then fills with Markdown (blank lines around the content):
 * admonitions `!!! type "title"`, collapsible `???`/`???+`, content tabs `=== "Tab"`, and
 * abbreviation definitions `*[HTML]: HyperText Markup Language` (collected, then removed).
 * Fenced code is left untouched. Pure; no I/O.
 */

export interface Preprocessed {
  text: string;
  /** Abbreviation -> expansion. */
  abbreviations: Map<string, string>;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ADMONITION = /^(!!!|\?\?\?\+?)[ \t]+([A-Za-z][\w-]*)((?:[ \t]+[A-Za-z][\w-]*)*)(?:[ \t]+"([^"]*)")?[ \t]*$/;
const TAB = /^===(!?)[ \t]+"([^"]*)"[ \t]*$/;
const ABBREVIATION = /^\*\[([^\]]+)\]:[ \t]*(.*)$/;

/** Escapes text for use inside HTML we generate. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function isIndented(line: string): boolean {
  return line.startsWith('    ') || line.startsWith('\t');
}

function dedent(line: string): string {
  if (line.startsWith('\t')) return line.slice(1);
  return line.startsWith('    ') ? line.slice(4) : line.trimStart();
}

/** Takes the indented body that follows line `start`; returns it dedented and the next index. */
function takeBody(lines: string[], start: number): { body: string[]; next: number } {
  let end = start;
  let last = start;
  while (end < lines.length) {
    const line = lines[end] ?? '';
    if (line.trim() === '') {
      end++;
      continue;
    }
    if (!isIndented(line)) break;
    end++;
    last = end;
  }
  return { body: lines.slice(start, last).map(dedent), next: last };
}

function titleCase(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

export function preprocessMarkdown(source: string): Preprocessed {
  const abbreviations = new Map<string, string>();
  let tabSets = 0;

  const transform = (lines: string[]): string[] => {
    const out: string[] = [];
    let fence: string | undefined;
    let i = 0;
    while (i < lines.length) {
      const line = lines[i] ?? '';
      const fenceMatch = FENCE.exec(line);
      if (fence) {
        out.push(line);
        if (fenceMatch && fenceMatch[1]?.startsWith(fence)) fence = undefined;
        i++;
        continue;
      }
      if (fenceMatch?.[1]) {
        fence = fenceMatch[1];
        out.push(line);
        i++;
        continue;
      }
      const abbr = ABBREVIATION.exec(line);
      if (abbr?.[1] && abbr[2] !== undefined) {
        abbreviations.set(abbr[1].trim(), abbr[2].trim());
        i++;
        continue;
      }
      const admonition = ADMONITION.exec(line);
      if (admonition) {
        const [, marker = '!!!', type = 'note', extra = '', title] = admonition;
        const { body, next } = takeBody(lines, i + 1);
        const classes = ['admonition', type.toLowerCase(), ...extra.trim().split(/\s+/).filter(Boolean)].map(escapeHtml).join(' ');
        const heading = title ?? titleCase(type);
        if (marker === '!!!') {
          out.push(`<div class="${classes}">`);
          if (heading !== '') out.push(`<p class="admonition-title">${escapeHtml(heading)}</p>`);
          out.push('', ...transform(body), '', '</div>', '');
        } else {
          out.push(`<details class="${classes}"${marker === '???+' ? ' open' : ''}>`);
          out.push(`<summary>${escapeHtml(heading || titleCase(type))}</summary>`, '', ...transform(body), '', '</details>', '');
        }
        i = next;
        continue;
      }
      if (TAB.test(line)) {
        const tabs: { title: string; body: string[] }[] = [];
        let j = i;
        while (j < lines.length) {
          const tab = TAB.exec(lines[j] ?? '');
          if (!tab) break;
          const { body, next } = takeBody(lines, j + 1);
          tabs.push({ title: tab[2] ?? '', body });
          j = next;
          while (j < lines.length && (lines[j] ?? '').trim() === '' && TAB.test(lines[j + 1] ?? '')) j++;
        }
        const set = ++tabSets;
        out.push(`<div class="tabbed-set">`, `<div class="tabbed-labels">`);
        tabs.forEach((tab, k) => out.push(`<label><input type="radio" name="tabbed-${set}"${k === 0 ? ' checked' : ''}> ${escapeHtml(tab.title)}</label>`));
        out.push('</div>');
        for (const tab of tabs) out.push('<div class="tabbed-block">', '', ...transform(tab.body), '', '</div>');
        out.push('</div>', '');
        i = j;
        continue;
      }
      out.push(line);
      i++;
    }
    return out;
  };

  return { text: transform(source.replace(/\r\n?/g, '\n').split('\n')).join('\n'), abbreviations };
}
