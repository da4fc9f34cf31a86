/**
 * The catalog graph explorer: filters the drawn boxes and arrows by kind, relation and owner
 * (kept in the query string, so a view can be shared), and pans and zooms the drawing with
 * the mouse, the wheel, touch or the buttons. The drawing itself is static SVG.
 */
export function exploreGraph(root: HTMLElement): void {
  const form = root.querySelector<HTMLFormElement>('form');
  const svg = root.querySelector<SVGSVGElement>('svg.relation-graph');
  const status = root.querySelector<HTMLElement>('[data-graph-status]');
  if (!form || !svg) return;
  const nodes = [...svg.querySelectorAll<SVGElement>('.g-node[data-ref]')];
  const edges = [...svg.querySelectorAll<SVGElement>('.g-edge')];

  const apply = () => {
    const data = new FormData(form);
    const kinds = new Set(data.getAll('kind').map(String));
    const relations = new Set(data.getAll('relation').map(String));
    const owner = String(data.get('owner') ?? '');
    const visible = new Set<string>();
    for (const node of nodes) {
      const ref = node.dataset['ref'] ?? '';
      const show = kinds.has(node.dataset['kind'] ?? '') && (owner === '' || node.dataset['owner'] === owner || ref === owner);
      node.style.display = show ? '' : 'none';
      if (show) visible.add(ref);
    }
    let shownEdges = 0;
    for (const edge of edges) {
      const show = relations.has(edge.dataset['relation'] ?? '') && visible.has(edge.dataset['from'] ?? '') && visible.has(edge.dataset['to'] ?? '');
      edge.style.display = show ? '' : 'none';
      if (show) shownEdges++;
    }
    if (status) status.textContent = `${visible.size} of ${nodes.length} entities, ${shownEdges} relations shown`;
    const params = new URLSearchParams();
    for (const [key, value] of data) params.append(key, String(value));
    history.replaceState(null, '', `${location.pathname}?${params}`);
  };

  // Start from the query string when it has a filter.
  const initial = new URLSearchParams(location.search);
  if ([...initial.keys()].length > 0) {
    for (const input of form.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) input.checked = initial.getAll(input.name).includes(input.value);
    const select = form.querySelector<HTMLSelectElement>('select[name=owner]');
    if (select) select.value = initial.get('owner') ?? '';
  }
  form.addEventListener('change', apply);
  form.addEventListener('reset', () => setTimeout(apply));
  apply();

  // Pan and zoom by moving the viewBox.
  const full = svg.viewBox.baseVal;
  const home = { x: full.x, y: full.y, width: full.width, height: full.height };
  let view = { ...home };
  const show = () => svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.width} ${view.height}`);
  const zoom = (factor: number, cx = view.x + view.width / 2, cy = view.y + view.height / 2) => {
    const width = Math.min(home.width * 4, Math.max(home.width / 20, view.width * factor));
    const scale = width / view.width;
    view = { x: cx - (cx - view.x) * scale, y: cy - (cy - view.y) * scale, width, height: view.height * scale };
    show();
  };
  const toSvg = (clientX: number, clientY: number) => {
    const box = svg.getBoundingClientRect();
    return { x: view.x + ((clientX - box.left) / box.width) * view.width, y: view.y + ((clientY - box.top) / box.height) * view.height };
  };
  svg.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const at = toSvg(event.clientX, event.clientY);
      zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, at.x, at.y);
    },
    { passive: false },
  );
  let drag: { x: number; y: number; view: typeof view } | undefined;
  svg.addEventListener('pointerdown', (event) => {
    if (event.target instanceof Element && event.target.closest('a')) return;
    drag = { x: event.clientX, y: event.clientY, view: { ...view } };
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const box = svg.getBoundingClientRect();
    view = { ...drag.view, x: drag.view.x - ((event.clientX - drag.x) / box.width) * view.width, y: drag.view.y - ((event.clientY - drag.y) / box.height) * view.height };
    show();
  });
  svg.addEventListener('pointerup', () => (drag = undefined));
  for (const button of root.querySelectorAll<HTMLButtonElement>('[data-zoom]')) {
    button.addEventListener('click', () => {
      const how = button.dataset['zoom'];
      if (how === 'in') zoom(1 / 1.3);
      else if (how === 'out') zoom(1.3);
      else {
        view = { ...home };
        show();
      }
    });
  }
}
