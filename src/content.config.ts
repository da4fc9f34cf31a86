import { defineCollection } from 'astro:content';
import { catalogLoaders, catalogNodeSchema, docsPageSchema, docsSiteSchema } from '../loaders/catalog-loader.ts';
import { loadConfig } from '../loaders/config.ts';
import { problemSchema } from '../loaders/problems.ts';

const catalog = catalogLoaders(loadConfig());

export const collections = {
  entities: defineCollection({ loader: catalog.entities, schema: catalogNodeSchema }),
  problems: defineCollection({ loader: catalog.problems, schema: problemSchema }),
  docsSites: defineCollection({ loader: catalog.docsSites, schema: docsSiteSchema }),
  docsPages: defineCollection({ loader: catalog.docsPages, schema: docsPageSchema }),
};
