import type { APIRoute, GetStaticPaths } from 'astro';
import { templatePaths, type StoredTemplate } from '../../../../../lib/templates.ts';

/** Everything the template's form needs to run it in the browser: its schema, steps and skeleton files. */
export const getStaticPaths = templatePaths satisfies GetStaticPaths;

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
