import { loadConfig } from '../../loaders/config.ts';

/** The validated config, read once per build. */
export const site = loadConfig().config.site;
