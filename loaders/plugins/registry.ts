import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { parseYamlDocuments } from '../catalog/parse.ts';
import { ConfigError, type LoadedConfig } from '../config.ts';
import { appliesToSchema, erasePlugin, type PlaybillPlugin } from './api.ts';
import { DEEP_LINK_PLUGINS } from './builtin/deep-links.ts';
import { github } from './builtin/github.ts';
import { pagerduty } from './builtin/pagerduty.ts';
import { sonarqube } from './builtin/sonarqube.ts';
import type { ConfiguredPlugin } from './run-plugins.ts';

/** The plugins that ship with Playbill, on by default; `plugins:` in the config sets their options or turns them off. */
export const BUILT_IN_PLUGINS: readonly PlaybillPlugin<unknown, unknown>[] = [erasePlugin(github), erasePlugin(pagerduty), erasePlugin(sonarqube), ...DEEP_LINK_PLUGINS];

/** What a plugin module must export as default, checked before it is run. */
const pluginShape = z.looseObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a plugin name is lowercase letters, digits and dashes'),
  options: z.custom<z.ZodType>((v) => v instanceof z.ZodType, 'options must be a Zod schema'),
  appliesTo: appliesToSchema,
  card: z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'card must be a function'),
});

function isPlugin(value: unknown): value is PlaybillPlugin<unknown, unknown> {
  return pluginShape.safeParse(value).success;
}

/** Imports a plugin module: a path relative to the config file, or an npm package name. */
async function importPlugin(specifier: string, root: string): Promise<unknown> {
  const local = specifier.startsWith('.') || isAbsolute(specifier);
  // A path or package the config names, resolved when the build runs: not for the bundler to follow.
  const module: unknown = await import(/* @vite-ignore */ local ? pathToFileURL(resolve(root, specifier)).href : specifier);
  return module !== null && typeof module === 'object' && 'default' in module ? module.default : module;
}

/**
 * The plugins in force, each with its options validated by its own schema: the built-ins
 * (unless turned off) and the modules the config names. Every invalid option of every plugin
 * is listed, with its line in the config, and stops the build.
 */
export async function resolvePlugins(loaded: LoadedConfig): Promise<ConfiguredPlugin[]> {
  const entries = loaded.config.plugins;
  const problems: string[] = [];
  const text = readFileSync(loaded.file, 'utf8');
  const doc = parseYamlDocuments(text).documents[0];
  const at = (path: (string | number)[]) => {
    const place = doc ? doc.locate(path) : { line: 1, column: 1 };
    return `${loaded.file}:${place.line}:${place.column}`;
  };
  const configured: ConfiguredPlugin[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    let plugin: PlaybillPlugin<unknown, unknown> | undefined;
    if (entry.module) {
      try {
        const exported = await importPlugin(entry.module, loaded.root);
        if (isPlugin(exported)) plugin = exported;
        else problems.push(`  ${at(['plugins', i, 'module'])} plugins.${i}.module: ${entry.module} does not export a plugin as default (${pluginShape.safeParse(exported).error?.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')})`);
      } catch (error) {
        problems.push(`  ${at(['plugins', i, 'module'])} plugins.${i}.module: ${entry.module} could not be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    } else {
      plugin = BUILT_IN_PLUGINS.find((p) => p.name === entry.name);
      if (!plugin) problems.push(`  ${at(['plugins', i, 'name'])} plugins.${i}.name: no built-in plugin "${entry.name}"; built-ins: ${BUILT_IN_PLUGINS.map((p) => p.name).join(', ')} (or give module: for your own)`);
    }
    if (!plugin) continue;
    if (plugin.name !== entry.name) problems.push(`  ${at(['plugins', i, 'name'])} plugins.${i}.name: the module's plugin is named "${plugin.name}", not "${entry.name}"`);
    seen.add(plugin.name);
    if (!entry.enabled) continue;
    const options = plugin.options.safeParse(entry.options ?? {});
    if (!options.success) {
      for (const issue of options.error.issues) {
        const base = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const path = ['plugins', i, 'options', ...base];
        problems.push(`  ${at(path)} ${path.join('.')}: ${issue.message} (plugin ${plugin.name})`);
      }
      continue;
    }
    configured.push({ plugin, options: options.data });
  }
  for (const plugin of BUILT_IN_PLUGINS) {
    if (seen.has(plugin.name)) continue;
    configured.push({ plugin, options: plugin.options.parse({}) });
  }
  if (problems.length > 0) throw new ConfigError(`Invalid plugin options in ${loaded.file}:\n${problems.join('\n')}`);
  return configured;
}
