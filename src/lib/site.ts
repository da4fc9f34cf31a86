import { loadConfig } from '../../loaders/config.ts';

/** The validated config and the scorecards in force, read once per build. */
export const loaded = loadConfig();

/** The site settings. */
export const site = loaded.config.site;
