/**
 * Makes a table sortable by its headers (a button in each `th[data-sort]`, cells compared by
 * `data-value` or their text, numbers as numbers) and filterable by a text input matching
 * each row's `data-text`. Sort state is announced with `aria-sort`.
 */
export function sortableTable(table: HTMLTableElement, filter?: HTMLInputElement | null, count?: HTMLElement | null): void {
  const body = table.tBodies[0];
  if (!body) return;
  const headers = [...table.querySelectorAll<HTMLTableCellElement>('thead th')];
  headers.forEach((th, column) => {
    if (!th.hasAttribute('data-sort')) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener('click', () => {
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const other of headers) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const value = (row: HTMLTableRowElement) => {
        const cell = row.cells[column];
        return cell?.dataset['value'] ?? cell?.textContent?.trim() ?? '';
      };
      const rows = [...body.rows].sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        const numeric = x !== '' && y !== '' && !Number.isNaN(Number(x)) && !Number.isNaN(Number(y));
        const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
  if (filter) {
    const apply = () => {
      const terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of body.rows) {
        row.hidden = !terms.every((t) => (row.dataset['text'] ?? '').includes(t));
        if (!row.hidden) shown++;
      }
      if (count) count.textContent = `${shown} of ${body.rows.length} teams`;
    };
    filter.addEventListener('input', apply);
    apply();
  }
}
