/**
 * Browser side of search: loads Pagefind's own bundle on first use (so pages that never
 * search download nothing) and renders results safely.
 */

export interface SearchResult {
  url: string;
  meta: Record<string, string | undefined>;
  excerpt: string;
  sub_results?: { title: string; url: string; excerpt: string }[];
}

interface PagefindHit {
  data(): Promise<SearchResult>;
}

export interface SearchResponse {
  results: PagefindHit[];
  unfilteredResultCount: number;
  filters: Record<string, Record<string, number>>;
}

interface Pagefind {
  options(options: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  search(query: string | null, options?: { filters?: Record<string, string[]> }): Promise<SearchResponse>;
  debouncedSearch(query: string | null, options?: { filters?: Record<string, string[]> }, ms?: number): Promise<SearchResponse | null>;
  filters(): Promise<Record<string, Record<string, number>>>;
}

function isPagefind(module: unknown): module is Pagefind {
  return typeof module === 'object' && module !== null && ['options', 'search', 'debouncedSearch', 'filters'].every((k) => typeof Reflect.get(module, k) === 'function');
}

const base = import.meta.env.BASE_URL.replace(/\/?$/, '/');
let loading: Promise<Pagefind> | undefined;

/** Pagefind, loaded once, with result URLs under the site's base path. */
export function loadPagefind(): Promise<Pagefind> {
  loading ??= (async () => {
    const url = `${base}pagefind/pagefind.js`;
    const module: unknown = await import(/* @vite-ignore */ url);
    if (!isPagefind(module)) throw new Error('The search index did not load.');
    // No build id in the page: pages stay byte-identical between builds (so unchanged ones
    // are reused), and the service worker answers pagefind-entry.json from its cache offline.
    await module.options({ basePath: `${base}pagefind/`, baseUrl: base, excerptLength: 24 });
    await module.init();
    return module;
  })();
  return loading;
}

/** Appends an excerpt, keeping Pagefind's <mark> highlights and nothing else as markup. */
export function appendExcerpt(target: HTMLElement, excerpt: string): void {
  const doc = new DOMParser().parseFromString(`<p>${excerpt}</p>`, 'text/html');
  const walk = (node: Node, into: Node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) into.appendChild(document.createTextNode(child.textContent ?? ''));
      else if (child instanceof HTMLElement && child.tagName === 'MARK') {
        const mark = document.createElement('mark');
        walk(child, mark);
        into.appendChild(mark);
      } else walk(child, into);
    }
  };
  walk(doc.body, target);
}

/** One result as a list item: title, what it is, excerpt, and a few sections for docs. */
export function renderResult(result: SearchResult): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'search-result';
  const link = document.createElement('a');
  link.href = result.url;
  const title = document.createElement('span');
  title.className = 'search-title';
  title.textContent = result.meta['title'] ?? result.url;
  link.appendChild(title);
  const facts = [result.meta['kind'], result.meta['type'], result.meta['owner'] && `owner ${result.meta['owner']}`, result.meta['entity'] && `docs of ${result.meta['entity']}`, result.meta['site'] && !result.meta['entity'] ? result.meta['site'] : undefined].filter(Boolean);
  if (facts.length) {
    const meta = document.createElement('span');
    meta.className = 'search-facts';
    meta.textContent = facts.join(' · ');
    link.appendChild(meta);
  }
  const excerpt = document.createElement('span');
  excerpt.className = 'search-excerpt';
  appendExcerpt(excerpt, result.excerpt);
  link.appendChild(excerpt);
  item.appendChild(link);
  const sections = (result.sub_results ?? []).filter((s) => s.url !== result.url).slice(0, 2);
  if (sections.length) {
    const list = document.createElement('ul');
    list.className = 'search-sections';
    for (const section of sections) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = section.url;
      a.textContent = `# ${section.title}`;
      li.appendChild(a);
      list.appendChild(li);
    }
    item.appendChild(list);
  }
  return item;
}

/** Moves the active result with the arrow keys; Enter follows it. */
export function navigateWithKeys(input: HTMLInputElement, list: HTMLElement): void {
  let active = -1;
  const links = () => [...list.querySelectorAll<HTMLAnchorElement>(':scope > li > a')];
  const mark = (index: number) => {
    const all = links();
    all.forEach((a, i) => a.classList.toggle('active', i === index));
    all[index]?.scrollIntoView({ block: 'nearest' });
    active = index;
    input.setAttribute('aria-activedescendant', all[index]?.id ?? '');
  };
  input.addEventListener('keydown', (event) => {
    const all = links();
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      mark(Math.min(active + 1, all.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      mark(Math.max(active - 1, 0));
    } else if (event.key === 'Enter') {
      const target = all[active] ?? all[0];
      if (target) {
        event.preventDefault();
        target.click();
      }
    }
  });
  new MutationObserver(() => {
    active = -1;
    links().forEach((a, i) => (a.id = `search-option-${i}`));
  }).observe(list, { childList: true });
}
