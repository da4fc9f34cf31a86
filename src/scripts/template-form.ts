import { zipSync } from 'fflate';
import {
  checkField,
  checkPage,
  defaultValues,
  fieldsOf,
  isGiven,
  readRepoUrl,
  uiOptions,
  visibleValues,
  writeRepoUrl,
  type Field,
  type Schema,
  type Values,
} from '../../loaders/templates/form-schema.ts';
import { parseEntityRef } from '../../loaders/catalog/refs.ts';
import { KNOWN_FIELDS } from '../../loaders/templates/pickers.ts';
import { runTemplate, type RunResult } from '../../loaders/templates/run-template.ts';
import type { TemplateFiles } from '../../loaders/templates/fetch-actions.ts';
import { memoryTemplateFiles } from '../../loaders/templates/template-files.ts';
import type { TemplateStep } from '../../loaders/templates/template-spec.ts';

/**
 * A software template's form, preview and download, in the page. The form is drawn from the
 * template's JSON Schema; every change re-runs the template's file steps on the bundled
 * skeleton (the same code as the CLI), so the preview shows exactly the files the zip and
 * `npx playbill create` produce. No framework, no eval: it stays small and works under a
 * Content-Security-Policy of script-src 'self'.
 */

interface TemplateData {
  entityRef: string;
  templatePath: string;
  steps: TemplateStep[];
  pages: Schema[];
  files: Record<string, { text: string } | { base64: string }>;
  notes: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the page's JSON, checking the shape the script relies on. */
function readTemplateData(json: unknown): TemplateData {
  if (!isRecord(json)) throw new Error('the template data is not an object');
  const steps = Array.isArray(json['steps']) ? json['steps'].filter((s): s is TemplateStep => isRecord(s) && typeof s['action'] === 'string') : [];
  const pages = Array.isArray(json['pages']) ? json['pages'].filter(isRecord) : [];
  const files: TemplateData['files'] = {};
  if (isRecord(json['files'])) {
    for (const [path, file] of Object.entries(json['files'])) {
      if (isRecord(file) && typeof file['text'] === 'string') files[path] = { text: file['text'] };
      else if (isRecord(file) && typeof file['base64'] === 'string') files[path] = { base64: file['base64'] };
    }
  }
  return {
    entityRef: typeof json['entityRef'] === 'string' ? json['entityRef'] : '',
    templatePath: typeof json['templatePath'] === 'string' ? json['templatePath'] : 'template.yaml',
    steps,
    pages,
    files,
    notes: Array.isArray(json['notes']) ? json['notes'].filter((n): n is string => typeof n === 'string') : [],
  };
}

/** The bundled skeleton as the runner's file interface. */
/** The bundled skeleton as the runner's file interface, decoded once (the preview re-runs on every change). */
function bundledFiles(files: TemplateData['files']): TemplateFiles {
  return memoryTemplateFiles(Object.entries(files).map(([path, file]) => [path, 'text' in file ? file.text : Uint8Array.from(atob(file.base64), (ch) => ch.charCodeAt(0))]));
}

/** `el('p', {class: 'x'}, 'text', child)`: a small element builder (text is always text, never HTML). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: (Node | string | undefined)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

function titleOf(field: Field): string {
  return typeof field.schema['title'] === 'string' ? field.schema['title'] : field.name;
}

function pickerOptions(schema: Schema): [string, string][] {
  const options = schema['x-playbill-options'];
  return Array.isArray(options) ? options.filter((o): o is [string, string] => Array.isArray(o) && typeof o[0] === 'string' && typeof o[1] === 'string') : [];
}

function enumOptions(schema: Schema): [unknown, string][] {
  const values = Array.isArray(schema['enum']) ? schema['enum'] : [];
  const names = Array.isArray(schema['enumNames']) ? schema['enumNames'] : [];
  return values.map((value, i) => [value, typeof names[i] === 'string' ? names[i] : String(value)]);
}

const CATALOG_REF_FIELDS = new Set(['OwnerPicker', 'EntityPicker', 'OwnedEntityPicker', 'MyGroupsPicker']);

/** `payments` → `system:default/payments`, with the picker's defaultKind and defaultNamespace. */
function fullRef(value: string, schema: Schema, uiField: string): string {
  const text = value.trim();
  if (text === '') return text;
  const options = uiOptions(schema);
  const allowedKinds = Array.isArray(options['allowedKinds']) ? options['allowedKinds'] : [];
  const defaultKind = typeof options['defaultKind'] === 'string' ? options['defaultKind'] : typeof allowedKinds[0] === 'string' ? allowedKinds[0] : uiField === 'OwnerPicker' || uiField === 'MyGroupsPicker' ? 'Group' : undefined;
  const defaultNamespace = typeof options['defaultNamespace'] === 'string' ? options['defaultNamespace'] : undefined;
  try {
    const ref = parseEntityRef(text, { ...(defaultKind && { defaultKind }), ...(defaultNamespace && { defaultNamespace }) });
    return `${ref.kind.toLowerCase()}:${ref.namespace.toLowerCase()}/${ref.name}`;
  } catch {
    return text;
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

let idCounter = 0;
const nextId = (name: string) => `tf-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${(idCounter += 1)}`;

/** Mounts the form into `root` (which carries data-template, the JSON's URL). */
export async function mountTemplateForm(root: HTMLElement): Promise<void> {
  const url = root.dataset['template'];
  if (url === undefined) return;
  let data: TemplateData;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = readTemplateData(await response.json());
  } catch (error) {
    root.querySelector('[data-loading]')?.replaceWith(el('p', { class: 'error' }, `The form could not load its template (${error instanceof Error ? error.message : String(error)}). Reload the page, or use npx playbill create.`));
    return;
  }
  new TemplateForm(root, data).start();
}

class TemplateForm {
  private readonly root: HTMLElement;
  private readonly data: TemplateData;
  private readonly files: TemplateFiles;
  private values: Values;
  /** Fields people have touched: their errors show as they type. */
  private readonly touched = new Set<string>();
  private page = 0;
  private result: RunResult | undefined;
  private selected: string | undefined;
  private runTimer: number | undefined;
  private runCount = 0;
  private readonly form: HTMLFormElement;
  private readonly stepper: HTMLOListElement;
  private readonly body: HTMLDivElement;
  private readonly buttons: HTMLDivElement;
  private readonly status: HTMLParagraphElement;
  private readonly tree: HTMLDivElement;
  private readonly viewer: HTMLDivElement;

  constructor(root: HTMLElement, data: TemplateData) {
    this.root = root;
    this.data = data;
    this.files = bundledFiles(data.files);
    this.values = defaultValues(data.pages);
    this.form = el('form', { class: 'template-form', novalidate: true, 'aria-label': 'Template form' });
    this.stepper = el('ol', { class: 'stepper' });
    this.body = el('div', { class: 'form-page' });
    this.buttons = el('div', { class: 'form-buttons' });
    this.status = el('p', { class: 'muted', 'aria-live': 'polite' });
    this.tree = el('div', { class: 'preview-tree' });
    this.viewer = el('div', { class: 'preview-file' });
  }

  start(): void {
    this.form.append(this.stepper, this.body, this.buttons);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.next();
    });
    const preview = el('aside', { class: 'template-preview', 'aria-label': 'Preview of the generated files' }, el('h2', {}, 'Preview'), this.status, this.tree, this.viewer);
    this.root.replaceChildren(el('div', { class: 'template-layout' }, this.form, preview));
    // On arrival only an author's ui:autofocus takes the focus; moving between steps moves it to the step.
    this.render(false);
    this.body.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    this.scheduleRun(0);
  }

  private get pageCount(): number {
    return this.data.pages.length;
  }

  /** Draws the stepper, the current page (or the review) and its buttons. */
  private render(focusFirst = false): void {
    const titles = [...this.data.pages.map((p, i) => (typeof p['title'] === 'string' ? p['title'] : `Step ${i + 1}`)), 'Review'];
    this.stepper.replaceChildren(
      ...titles.map((title, i) => el('li', { 'aria-current': i === this.page ? 'step' : undefined, class: i < this.page ? 'done' : undefined }, title)),
    );
    if (this.page >= this.pageCount) this.renderReview();
    else this.renderPage(this.page);
    const back = el('button', { type: 'button', class: 'secondary', disabled: this.page === 0 }, 'Back');
    back.addEventListener('click', () => this.go(this.page - 1));
    const nextLabel = this.page >= this.pageCount ? undefined : this.page === this.pageCount - 1 ? 'Review' : 'Next';
    this.buttons.replaceChildren(back, ...(nextLabel ? [el('button', { type: 'submit' }, nextLabel)] : []));
    if (focusFirst) {
      const autofocus = this.body.querySelector<HTMLElement>('[data-autofocus]');
      (autofocus ?? this.body.querySelector<HTMLElement>('h2'))?.focus();
    }
  }

  private go(page: number): void {
    this.page = Math.max(0, Math.min(page, this.pageCount));
    this.render(true);
  }

  private next(): void {
    if (this.page >= this.pageCount) return;
    const page = this.data.pages[this.page] ?? {};
    const errors = checkPage(page, this.values);
    if (errors.size > 0) {
      for (const name of errors.keys()) this.touched.add(name);
      this.renderPage(this.page);
      this.body.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.go(this.page + 1);
  }

  private renderPage(index: number): void {
    const page = this.data.pages[index] ?? {};
    const heading = el('h2', { tabindex: '-1' }, typeof page['title'] === 'string' ? page['title'] : `Step ${index + 1}`);
    const description = typeof page['description'] === 'string' ? el('p', { class: 'muted' }, page['description']) : undefined;
    const fields = fieldsOf(page, this.values);
    this.body.replaceChildren(heading, ...(description ? [description] : []), ...fields.map((field) => this.renderField(field, this.values, (value) => this.setValue(field.name, value), field.name)));
    this.body.dataset['fields'] = fields.map((f) => f.name).join(',');
  }

  /** Sets a top-level value; redraws the page when the set of fields it shows changes. */
  private setValue(name: string, value: unknown): void {
    if (value === undefined || value === '') delete this.values[name];
    else this.values[name] = value;
    this.touched.add(name);
    const page = this.data.pages[this.page];
    if (page !== undefined) {
      const now = fieldsOf(page, this.values).map((f) => f.name).join(',');
      if (now !== this.body.dataset['fields']) {
        const focused = document.activeElement?.id;
        this.renderPage(this.page);
        if (focused) document.getElementById(focused)?.focus();
      } else this.showErrors(page);
    }
    this.scheduleRun(250);
  }

  private showErrors(page: Schema): void {
    const errors = checkPage(page, this.values);
    for (const holder of this.body.querySelectorAll<HTMLElement>('[data-error-for]')) {
      const name = holder.dataset['errorFor'] ?? '';
      const message = this.touched.has(name) || this.touched.has(name.split('.')[0] ?? '') ? errors.get(name) : undefined;
      holder.textContent = message ?? '';
      const control = holder.dataset['control'] ? document.getElementById(holder.dataset['control']) : null;
      control?.setAttribute('aria-invalid', message ? 'true' : 'false');
    }
  }

  /** One field: label, control, help and error, wired for keyboards and screen readers. */
  private renderField(field: Field, scope: Values, set: (value: unknown) => void, path: string): HTMLElement {
    const { schema } = field;
    const id = nextId(path);
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const widget = schema['ui:widget'];
    const uiField = typeof schema['ui:field'] === 'string' ? schema['ui:field'] : undefined;
    if (widget === 'hidden' || Object.hasOwn(schema, 'const')) return el('div', { hidden: true });
    const value = scope[field.name];
    const helpText = [typeof schema['description'] === 'string' ? schema['description'] : undefined, typeof schema['ui:help'] === 'string' ? schema['ui:help'] : undefined].filter(Boolean).join(' ');
    const notes: string[] = [];
    if (uiField !== undefined && !KNOWN_FIELDS.has(uiField)) notes.push(`Backstage draws this with ${uiField}, which Playbill does not have; type the value it expects.`);
    if (uiField === 'OwnedEntityPicker') notes.push('A static portal has no signed-in user, so this lists every matching entity, not only yours.');
    const errors = checkField(field, value);
    const showError = this.touched.has(path) ? errors : undefined;
    const describedBy = [helpText || notes.length ? helpId : undefined, errorId].filter(Boolean).join(' ');
    const common = {
      id,
      'aria-describedby': describedBy,
      'aria-invalid': showError ? 'true' : 'false',
      'aria-required': field.required ? 'true' : undefined,
      'data-autofocus': schema['ui:autofocus'] === true ? true : undefined,
      disabled: schema['ui:readonly'] === true || schema['readOnly'] === true,
    };
    const label = el('label', { for: id }, titleOf(field), field.required ? el('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : undefined);
    let control: HTMLElement;
    let asGroup = false;
    const placeholder = typeof schema['ui:placeholder'] === 'string' ? schema['ui:placeholder'] : undefined;

    if (uiField === 'RepoUrlPicker') {
      control = this.repoUrlControl(schema, value, set, id, common);
      asGroup = true;
    } else if (schema['type'] === 'object' && isRecord(schema['properties'])) {
      const nested = isRecord(value) ? { ...value } : {};
      const children = fieldsOf(schema, nested).map((child) =>
        this.renderField(child, nested, (v) => {
          if (v === undefined || v === '') delete nested[child.name];
          else nested[child.name] = v;
          set({ ...nested });
        }, `${path}.${child.name}`),
      );
      control = el('div', { class: 'nested' }, ...children);
      asGroup = true;
    } else if (schema['type'] === 'array') {
      control = this.arrayControl(field, value, set, id, common);
      asGroup = true;
    } else if (schema['type'] === 'boolean') {
      if (widget === 'radio' || widget === 'select') {
        control = this.choiceControl([[true, 'Yes'], [false, 'No']], value, set, id, widget === 'radio' ? 'radio' : 'select', common);
        asGroup = widget === 'radio';
      } else {
        const input = el('input', { ...common, type: 'checkbox', checked: value === true });
        input.addEventListener('change', () => set(input.checked));
        control = el('span', { class: 'check' }, input, el('label', { for: id }, titleOf(field)));
        return this.wrap(field, path, control, undefined, helpText, notes, helpId, errorId, showError, false);
      }
    } else if (Array.isArray(schema['enum'])) {
      const mode = widget === 'radio' ? 'radio' : 'select';
      control = this.choiceControl(enumOptions(schema), value, set, id, mode, common, !field.required);
      asGroup = mode === 'radio';
    } else if (schema['type'] === 'number' || schema['type'] === 'integer') {
      const input = el('input', {
        ...common,
        type: 'number',
        inputmode: schema['type'] === 'integer' ? 'numeric' : 'decimal',
        step: schema['type'] === 'integer' ? '1' : 'any',
        min: typeof schema['minimum'] === 'number' ? String(schema['minimum']) : undefined,
        max: typeof schema['maximum'] === 'number' ? String(schema['maximum']) : undefined,
        placeholder,
        value: typeof value === 'number' ? String(value) : '',
      });
      input.addEventListener('input', () => set(input.value === '' ? undefined : Number(input.value)));
      control = input;
    } else if (widget === 'textarea') {
      const area = el('textarea', { ...common, rows: String(uiOptions(schema)['rows'] ?? 4), placeholder });
      area.value = typeof value === 'string' ? value : '';
      area.addEventListener('input', () => set(area.value));
      control = area;
    } else {
      const options = pickerOptions(schema);
      const listId = options.length > 0 ? `${id}-list` : undefined;
      const strict = uiOptions(schema)['allowArbitraryValues'] === false && options.length > 0;
      if (strict) {
        control = this.choiceControl(options, value, set, id, 'select', common, true);
      } else {
        const input = el('input', {
          ...common,
          type: widget === 'password' ? 'password' : schema['format'] === 'date' ? 'date' : schema['format'] === 'email' ? 'email' : 'text',
          list: listId,
          placeholder: placeholder ?? (options.length > 0 ? 'Type to search the catalog…' : undefined),
          autocomplete: 'off',
          spellcheck: uiField === undefined ? undefined : 'false',
          value: typeof value === 'string' ? value : '',
        });
        input.addEventListener('input', () => set(input.value));
        if (uiField !== undefined && CATALOG_REF_FIELDS.has(uiField)) {
          // As Backstage's pickers do: a short name typed by hand becomes a full entity ref.
          input.addEventListener('change', () => {
            const full = fullRef(input.value, schema, uiField);
            if (full !== input.value) {
              input.value = full;
              set(full);
            }
          });
        }
        control = listId ? el('span', {}, input, el('datalist', { id: listId }, ...options.map(([v, l]) => el('option', { value: v }, l)))) : input;
      }
    }
    return this.wrap(field, path, control, asGroup ? undefined : label, helpText, notes, helpId, errorId, showError, asGroup);
  }

  private wrap(field: Field, path: string, control: HTMLElement, label: HTMLElement | undefined, helpText: string, notes: string[], helpId: string, errorId: string, error: string | undefined, asGroup: boolean): HTMLElement {
    const help = helpText || notes.length > 0 ? el('p', { class: 'help', id: helpId }, helpText, ...notes.map((n) => el('span', { class: 'field-note' }, ` ${n}`))) : undefined;
    const errorLine = el('p', { class: 'field-error', id: errorId, 'data-error-for': path, 'data-control': control.id || control.querySelector('[id]')?.id }, error ?? '');
    if (asGroup) {
      const legend = el('legend', {}, titleOf(field), field.required ? el('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : undefined);
      return el('fieldset', { class: 'field', 'aria-describedby': `${help ? helpId : ''} ${errorId}`.trim() }, legend, help, control, errorLine);
    }
    return el('div', { class: 'field' }, label, help, control, errorLine);
  }

  private choiceControl(options: [unknown, string][], value: unknown, set: (v: unknown) => void, id: string, mode: 'select' | 'radio', common: Record<string, string | boolean | undefined>, allowEmpty = false): HTMLElement {
    if (mode === 'radio') {
      const group = el('div', { class: 'choices', role: 'radiogroup', id });
      options.forEach(([option, text], i) => {
        const input = el('input', { type: 'radio', name: id, id: `${id}-${i}`, checked: option === value, 'data-autofocus': i === 0 ? common['data-autofocus'] : undefined });
        input.addEventListener('change', () => set(option));
        group.append(el('span', { class: 'check' }, input, el('label', { for: `${id}-${i}` }, text)));
      });
      return group;
    }
    const select = el('select', { ...common });
    if (allowEmpty || value === undefined) select.append(el('option', { value: '' }, allowEmpty ? '(none)' : 'Choose…'));
    options.forEach(([option, text], i) => select.append(el('option', { value: String(i), selected: option === value }, text)));
    select.addEventListener('change', () => set(select.value === '' ? undefined : options[Number(select.value)]?.[0]));
    return select;
  }

  /** Arrays: checkboxes for a list of choices, otherwise an editable list (with catalog suggestions for pickers). */
  private arrayControl(field: Field, value: unknown, set: (v: unknown) => void, id: string, common: Record<string, string | boolean | undefined>): HTMLElement {
    const items = isRecord(field.schema['items']) ? field.schema['items'] : {};
    const current = Array.isArray(value) ? [...value] : [];
    if (Array.isArray(items['enum'])) {
      const group = el('div', { class: 'choices', id });
      enumOptions(items).forEach(([option, text], i) => {
        const input = el('input', { type: 'checkbox', id: `${id}-${i}`, checked: current.includes(option) });
        input.addEventListener('change', () => set(input.checked ? [...current.filter((v) => v !== option), option].sort((a, b) => enumOptions(items).findIndex((o) => o[0] === a) - enumOptions(items).findIndex((o) => o[0] === b)) : current.filter((v) => v !== option)));
        group.append(el('span', { class: 'check' }, input, el('label', { for: `${id}-${i}` }, text)));
      });
      return group;
    }
    const options = pickerOptions(field.schema).length > 0 ? pickerOptions(field.schema) : pickerOptions(items);
    const listId = options.length > 0 ? `${id}-list` : undefined;
    const list = el('ul', { class: 'chips', 'aria-label': `${titleOf(field)}: chosen` });
    current.forEach((item, i) => {
      const remove = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${String(item)}` }, '×');
      remove.addEventListener('click', () => {
        const nextItems = current.filter((_, j) => j !== i);
        set(nextItems.length > 0 ? nextItems : undefined);
        this.renderPage(this.page);
        document.getElementById(id)?.focus();
      });
      list.append(el('li', {}, String(item), remove));
    });
    const input = el('input', { ...common, type: 'text', list: listId, placeholder: 'Type, then press Enter', autocomplete: 'off' });
    const addItem = () => {
      const text = input.value.trim();
      if (text === '') return;
      const item = items['type'] === 'number' || items['type'] === 'integer' ? Number(text) : text;
      set([...current, item]);
      this.renderPage(this.page);
      document.getElementById(id)?.focus();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addItem();
      }
    });
    const add = el('button', { type: 'button', class: 'secondary' }, 'Add');
    add.addEventListener('click', addItem);
    return el('div', { class: 'array-field' }, list, el('span', { class: 'inline' }, input, add), ...(listId ? [el('datalist', { id: listId }, ...options.map(([v, l]) => el('option', { value: v }, l)))] : []));
  }

  private repoUrlControl(schema: Schema, value: unknown, set: (v: unknown) => void, id: string, common: Record<string, string | boolean | undefined>): HTMLElement {
    const options = uiOptions(schema);
    const hosts = Array.isArray(options['allowedHosts']) && options['allowedHosts'].length > 0 ? options['allowedHosts'].map(String) : ['github.com'];
    const owners = Array.isArray(options['allowedOwners']) ? options['allowedOwners'].map(String) : [];
    const parts = readRepoUrl(value);
    if (parts.host === '') parts.host = hosts[0] ?? 'github.com';
    const update = () => set(parts.owner === '' && parts.repo === '' ? undefined : writeRepoUrl(parts));
    const host = el('select', { id: `${id}-host` }, ...hosts.map((h) => el('option', { value: h, selected: h === parts.host }, h)));
    host.addEventListener('change', () => {
      parts.host = host.value;
      update();
    });
    let owner: HTMLInputElement | HTMLSelectElement;
    if (owners.length > 0) {
      owner = el('select', { id: `${id}-owner` }, el('option', { value: '' }, 'Choose…'), ...owners.map((o) => el('option', { value: o, selected: o === parts.owner }, o)));
      owner.addEventListener('change', () => {
        parts.owner = owner.value;
        update();
      });
    } else {
      owner = el('input', { id: `${id}-owner`, type: 'text', autocomplete: 'off', spellcheck: 'false', value: parts.owner, placeholder: 'acme' });
      owner.addEventListener('input', () => {
        parts.owner = owner.value.trim();
        update();
      });
    }
    const repo = el('input', { ...common, id, type: 'text', autocomplete: 'off', spellcheck: 'false', value: parts.repo, placeholder: 'my-service' });
    repo.addEventListener('input', () => {
      parts.repo = repo.value.trim();
      update();
    });
    return el(
      'div',
      { class: 'repo-url' },
      el('span', { class: 'field' }, el('label', { for: `${id}-host` }, 'Host'), host),
      el('span', { class: 'field' }, el('label', { for: `${id}-owner` }, 'Owner'), owner),
      el('span', { class: 'field' }, el('label', { for: id }, 'Repository'), repo),
    );
  }

  /** The review: values, what each step will do, and the ways to get the project. */
  private renderReview(): void {
    const values = visibleValues(this.data.pages, this.values);
    const rows: HTMLElement[] = [];
    for (const page of this.data.pages) {
      for (const field of fieldsOf(page, this.values)) {
        const review = isRecord(field.schema['ui:backstage']) && isRecord(field.schema['ui:backstage']['review']) ? field.schema['ui:backstage']['review'] : {};
        if (review['show'] === false || !isGiven(values[field.name])) continue;
        const secret = field.schema['ui:widget'] === 'password' || review['mask'] !== undefined;
        const shown = secret ? '••••••' : typeof values[field.name] === 'string' ? String(values[field.name]) : JSON.stringify(values[field.name]);
        rows.push(el('tr', {}, el('th', { scope: 'row' }, titleOf(field)), el('td', {}, shown)));
      }
    }
    const heading = el('h2', { tabindex: '-1' }, 'Review');
    const table = el('table', { class: 'review' }, el('tbody', {}, ...rows));
    const stepsList = el('ol', { class: 'review-steps', 'data-review-steps': true });
    const actions = el('div', { class: 'review-actions' });
    this.body.replaceChildren(heading, rows.length > 0 ? table : el('p', {}, 'No values to review.'), el('h3', {}, 'What happens'), stepsList, actions);
    this.fillReview();
  }

  private fillReview(): void {
    const stepsList = this.body.querySelector('[data-review-steps]');
    if (stepsList === null) return;
    const result = this.result;
    const fileCount = result?.files.size ?? 0;
    stepsList.replaceChildren(
      ...(result?.steps ?? []).map((step) => el('li', { class: `step-${step.outcome}` }, el('strong', {}, step.name), ' ', el('code', {}, step.action), `: ${step.detail}`)),
    );
    const actions = this.body.querySelector('.review-actions');
    if (actions === null) return;
    const download = el('button', { type: 'button', disabled: result === undefined || result.error !== undefined || fileCount === 0 }, `Download ${this.projectName()}.zip`);
    download.addEventListener('click', () => this.download());
    const command = this.command();
    const copy = el('button', { type: 'button', class: 'secondary' }, 'Copy the command');
    const copied = el('span', { class: 'muted', 'aria-live': 'polite' });
    copy.addEventListener('click', () => {
      void navigator.clipboard?.writeText(command).then(
        () => (copied.textContent = 'Copied.'),
        () => (copied.textContent = 'Select the command and copy it.'),
      );
    });
    const publishes = (result?.steps ?? []).some((s) => s.action.startsWith('publish:github'));
    actions.replaceChildren(
      el('p', {}, download),
      el('p', {}, 'Or build it from a clone of this portal:'),
      el('pre', { class: 'command' }, el('code', { 'data-command': true }, command)),
      el('p', {}, copy, ' ', copied),
      ...(publishes ? [el('p', { class: 'muted' }, 'Add --publish, with GITHUB_TOKEN set, to create the repository as the publish step says.')] : []),
    );
  }

  private projectName(): string {
    const repoUrl = Object.values(this.values).find((v) => typeof v === 'string' && v.includes('?') && v.includes('repo='));
    const fromRepo = readRepoUrl(repoUrl).repo;
    const name = this.values['name'] ?? this.values['component_id'];
    const chosen = fromRepo || (typeof name === 'string' ? name : '') || 'project';
    return chosen.replace(/[^A-Za-z0-9._-]/g, '-');
  }

  private command(): string {
    const values = JSON.stringify(visibleValues(this.data.pages, this.values));
    return `npx playbill create ${this.data.entityRef} --values ${shellQuote(values)} --out ${shellQuote(`./${this.projectName()}`)}`;
  }

  private download(): void {
    const result = this.result;
    if (result === undefined) return;
    const name = this.projectName();
    // A fixed date keeps the zip the same for the same values.
    const mtime = new Date('2000-01-01T00:00:00Z');
    const entries = Object.fromEntries([...result.files].map(([path, bytes]) => [`${name}/${path}`, [bytes, { mtime }] as [Uint8Array, { mtime: Date }]]));
    const zip = zipSync(entries, { level: 6 });
    const blob = new Blob([zip], { type: 'application/zip' });
    const link = el('a', { href: URL.createObjectURL(blob), download: `${name}.zip` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  private scheduleRun(delay: number): void {
    if (this.runTimer !== undefined) clearTimeout(this.runTimer);
    this.runTimer = window.setTimeout(() => void this.run(), delay);
  }

  /** Re-runs the template with the current values and redraws the preview. */
  private async run(): Promise<void> {
    const count = (this.runCount += 1);
    this.status.textContent = 'Building…';
    const result = await runTemplate({
      spec: { steps: this.data.steps },
      templatePath: this.data.templatePath,
      files: this.files,
      parameters: visibleValues(this.data.pages, this.values),
    });
    if (count !== this.runCount) return;
    this.result = result;
    this.root.dataset['runs'] = String(count);
    if (result.error !== undefined) {
      this.status.textContent = `Step "${result.error.step}" failed: ${result.error.message}`;
      this.status.className = 'field-error';
    } else {
      this.status.className = 'muted';
      this.status.textContent = `${result.files.size} file${result.files.size === 1 ? '' : 's'}${this.data.notes.length > 0 ? ' (see the notes above)' : ''}`;
    }
    this.drawTree(result);
    if (this.page >= this.pageCount) this.fillReview();
  }

  private drawTree(result: RunResult): void {
    const paths = [...result.files.keys()].sort();
    if (this.selected === undefined || !result.files.has(this.selected)) this.selected = paths.find((p) => /(^|\/)catalog-info\.yaml$/.test(p)) ?? paths[0];
    const rootList = el('ul', { 'aria-label': 'Generated files' });
    const folders = new Map<string, HTMLUListElement>([['', rootList]]);
    const folderOf = (dir: string): HTMLUListElement => {
      const existing = folders.get(dir);
      if (existing) return existing;
      const at = dir.lastIndexOf('/');
      const parent = folderOf(at === -1 ? '' : dir.slice(0, at));
      const list = el('ul', { 'aria-label': `${dir}/` });
      parent.append(el('li', {}, el('span', { class: 'folder' }, `${dir.slice(at + 1)}/`), list));
      folders.set(dir, list);
      return list;
    };
    for (const path of paths) {
      const at = path.lastIndexOf('/');
      const button = el('button', { type: 'button', class: 'file', 'aria-current': path === this.selected ? 'true' : undefined, 'data-path': path }, path.slice(at + 1));
      button.addEventListener('click', () => {
        this.selected = path;
        this.drawTree(result);
        this.tree.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.focus();
      });
      folderOf(at === -1 ? '' : path.slice(0, at)).append(el('li', {}, button));
    }
    this.tree.replaceChildren(rootList);
    const bytes = this.selected === undefined ? undefined : result.files.get(this.selected);
    if (this.selected === undefined || bytes === undefined) {
      this.viewer.replaceChildren(el('p', { class: 'muted' }, 'No files yet.'));
      return;
    }
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = undefined;
    }
    this.viewer.replaceChildren(
      el('p', { class: 'file-name' }, el('code', {}, this.selected), ` · ${bytes.length} bytes`),
      text === undefined ? el('p', { class: 'muted' }, 'A binary file, copied as it is.') : el('pre', { tabindex: '0', 'aria-label': `Contents of ${this.selected}` }, el('code', { 'data-file-contents': true }, text)),
    );
  }
}
