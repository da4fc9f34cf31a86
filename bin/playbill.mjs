#!/usr/bin/env node
// Playbill's command line. Runs the TypeScript sources directly (Node >= 22.18 strips types).
import { parseArgs } from 'node:util';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`playbill needs Node.js 22.18 or newer (it runs TypeScript directly); this is ${process.version}.\nRun it through npm (npx playbill …), which uses the project's pinned Node, or upgrade Node.\n`);
  process.exit(2);
}

const USAGE = `Usage: playbill lint [paths...] [--format text|json|github] [--ignore-missing-refs] [--extra-kind KIND]...

Validates catalog-info.yaml files (with their placeholders and Location targets) exactly as
the portal build does. Exits 1 when there are errors, 0 with only warnings.

  paths                  files, repository folders, or folders of repositories (default: .)
  --format               text (default), json, or github (workflow annotations)
  --ignore-missing-refs  skip warnings about references to entities in other repositories
  --extra-kind KIND      accept a kind beyond Backstage's built-ins (repeatable)`;

const [command, ...rest] = process.argv.slice(2);
if (command !== 'lint') {
  process.stderr.write(`${USAGE}\n`);
  process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 2);
}

let parsed;
try {
  parsed = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'ignore-missing-refs': { type: 'boolean', default: false },
      'extra-kind': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const format = parsed.values.format;
if (!['text', 'json', 'github'].includes(format)) {
  process.stderr.write(`--format must be text, json or github, not "${format}"\n`);
  process.exit(2);
}

const { lint } = await import('../loaders/lint/lint.ts');
const result = await lint(parsed.positionals, {
  format,
  extraKinds: parsed.values['extra-kind'],
  ignoreMissingRefs: parsed.values['ignore-missing-refs'],
});
process.stdout.write(result.output);
process.exitCode = result.exitCode;
