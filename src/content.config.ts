import { defineCollection } from 'astro:content';
import { catalogLoaders, catalogNodeSchema } from '../loaders/catalog-loader.ts';
import { loadConfig } from '../loaders/config.ts';
import { problemSchema } from '../loaders/problems.ts';

const catalog = catalogLoaders(loadConfig());

export const collections = {
  entities: defineCollection({ loader: catalog.entities, schema: catalogNodeSchema }),
  problems: defineCollection({ loader: catalog.problems, schema: problemSchema }),
};
