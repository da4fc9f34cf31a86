import { defineCollection } from 'astro:content';
import { catalogLoaders } from '../loaders/catalog-loader.ts';
import { loadConfig } from '../loaders/config.ts';

const catalog = catalogLoaders(loadConfig());

export const collections = {
  entities: defineCollection({ loader: catalog.entities }),
  problems: defineCollection({ loader: catalog.problems }),
};
