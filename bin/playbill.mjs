#!/usr/bin/env node
// Playbill's command line. Runs the TypeScript sources directly (Node >= 22.18 strips types).
import { parseArgs } from 'node:util';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`playbill needs Node.js 22.18 or newer (it runs TypeScript directly); this is ${process.version}.\nRun it through npm (npx playbill …), which uses the project's pinned Node, or upgrade Node.\n`);
  process.exit(2);
}

const USAGE = `Usage: playbill lint [paths...] [--format text|json|github] [--ignore-missing-refs] [--extra-kind KIND]...
       playbill create TEMPLATE --values FILE.json [--out DIR] [--publish] [--root DIR] [--force]

Validates catalog-info.yaml files (with their placeholders and Location targets) exactly as
the portal build does. Exits 1 when there are errors, 0 with only warnings.

  paths                  files, repository folders, or folders of repositories (default: .)
  --format               text (default), json, or github (workflow annotations)
  --ignore-missing-refs  skip warnings about references to entities in other repositories
  --extra-kind KIND      accept a kind beyond Backstage's built-ins (repeatable)

create runs a software template's file-building steps as Backstage's scaffolder does and
writes the files; every other step is described. TEMPLATE is a template file or a template's
entity ref in the configured catalog (e.g. template:default/node-service).

  --values FILE.json     the form's values (or the JSON itself, as the portal's copied command has it)
  --out DIR              where to write the project (default: ./<repository or name>)
  --publish              also run publish:github / publish:github:pull-request (needs GITHUB_TOKEN)
  --root DIR             the template's repository, when TEMPLATE is a file (default: nearest .git)
  --force                overwrite files that already exist in DIR`;

const [command, ...rest] = process.argv.slice(2);

/**
 * The command's arguments with these options (and --help / -h), or exits: 2 with the usage
 * on an unknown or malformed option, 0 with the usage for --help.
 */
function parseOrExit(options) {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  return parsed;
}

if (command === 'create') {
  const args = parseOrExit({
    values: { type: 'string' },
    out: { type: 'string' },
    root: { type: 'string' },
    publish: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  });
  const [template, ...extra] = args.positionals;
  if (template === undefined || extra.length > 0 || args.values.values === undefined) {
    process.stderr.write(`create needs one TEMPLATE and --values\n\n${USAGE}\n`);
    process.exit(2);
  }
  const { createProject } = await import('../loaders/templates/create-command.ts');
  process.exitCode = await createProject(
    { template, values: args.values.values, out: args.values.out, root: args.values.root, publish: args.values.publish, force: args.values.force },
    { cwd: process.cwd(), env: process.env, out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  );
} else if (command !== 'lint') {
  process.stderr.write(`${USAGE}\n`);
  process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 2);
} else {
  await runLint();
}

async function runLint() {
  const parsed = parseOrExit({
    format: { type: 'string', default: 'text' },
    'ignore-missing-refs': { type: 'boolean', default: false },
    'extra-kind': { type: 'string', multiple: true, default: [] },
  });
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
}
