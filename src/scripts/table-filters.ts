/**
 * Filters the rows of a table from a form, without a server: each `<select>` matches a
 * `data-*` attribute of the rows (`tag` matches one of several space-separated values), an
 * optional `q` input matches `data-text`. The filters live in the query string, so a
 * filtered view survives a reload and can be shared.
 */
export function filterTable(options: { form: HTMLFormElement; rows: HTMLTableRowElement[]; facets: string[]; count?: Element | null; noun?: string }): void {
  const { form, rows, facets, count, noun = 'rows' } = options;

  const apply = () => {
    const data = new FormData(form);
    const query = String(data.get('q') ?? '').trim().toLowerCase();
    const terms = query.split(/\s+/).filter(Boolean);
    const chosen = facets.map((f) => [f, String(data.get(f) ?? '')] as const).filter(([, v]) => v);
    let shown = 0;
    for (const row of rows) {
      const ok =
        chosen.every(([f, v]) => (f === 'tag' ? (row.dataset['tag'] ?? '').split(' ').includes(v) : row.dataset[f] === v)) &&
        terms.every((t) => (row.dataset['text'] ?? '').includes(t));
      row.hidden = !ok;
      if (ok) shown++;
    }
    if (count) count.textContent = `${shown} of ${rows.length} ${noun}`;
    const params = new URLSearchParams();
    if (query) params.set('q', query);
    for (const [f, v] of chosen) params.set(f, v);
    const search = params.toString();
    history.replaceState(null, '', search ? `?${search}` : location.pathname);
  };

  for (const [key, value] of new URLSearchParams(location.search)) {
    const field = form.elements.namedItem(key);
    if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = value;
  }
  form.addEventListener('input', apply);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  form.addEventListener('reset', () => setTimeout(apply));
  apply();
}
