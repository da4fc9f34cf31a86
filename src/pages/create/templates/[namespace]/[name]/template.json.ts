import type { APIRoute, GetStaticPaths } from 'astro';
import { parseEntityRef } from '../../../../../../loaders/catalog/refs.ts';
import { getTemplates, type StoredTemplate } from '../../../../../lib/templates.ts';

/** Everything the template's form needs to run it in the browser: its schema, steps and skeleton files. */
export const getStaticPaths = (async () => {
  const templates = await getTemplates();
  return templates.map((template) => {
    const { namespace, name } = parseEntityRef(template.entityRef);
    return { params: { namespace: namespace.toLowerCase(), name: name.toLowerCase() }, props: { template } };
  });
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ template: StoredTemplate }> = ({ props }) => {
  const { template } = props;
  const body = {
    entityRef: template.entityRef,
    templatePath: template.templatePath,
    steps: template.spec['steps'] ?? [],
    pages: template.pages,
    files: template.files,
    notes: template.notes,
  };
  return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
};
