import { DEFAULT_LEVELS, type ScorecardInput } from './schema.ts';

/**
 * The scorecard that applies when the config declares none: components and APIs, bronze for
 * the basics a reader needs, silver for running it, gold for keeping it current. Checks on
 * facts only plugins provide (CI, releases, security alerts) stay unknown without them.
 */
export const DEFAULT_SCORECARD: ScorecardInput = {
  id: 'default',
  title: 'Service health',
  description: 'Owned, documented, on call, CI green and current.',
  filter: { kind: ['component', 'api'] },
  levels: DEFAULT_LEVELS,
  checks: [
    { id: 'group-owner', title: 'Owned by a group in the catalog', level: 'bronze', fix: 'Set spec.owner to a Group that exists in the catalog, e.g. group:default/payments-team.', conditions: { all: [{ fact: 'hasGroupOwner', operator: 'equal', value: true }] } },
    { id: 'description', title: 'Has a description', level: 'bronze', fix: 'Add metadata.description: one sentence on what it does.', conditions: { all: [{ fact: 'hasDescription', operator: 'equal', value: true }] } },
    { id: 'lifecycle', title: 'Has a lifecycle', level: 'bronze', fix: 'Set spec.lifecycle: experimental, production or deprecated.', conditions: { all: [{ fact: 'hasLifecycle', operator: 'equal', value: true }] } },
    { id: 'docs', title: 'Has docs (an API: its definition)', level: 'bronze', fix: 'Add mkdocs.yml and docs/index.md, and point the annotation backstage.io/techdocs-ref at them (dir:. for the repository root).', conditions: { any: [{ fact: 'hasDocs', operator: 'equal', value: true }, { fact: 'hasApiDefinition', operator: 'equal', value: true }] } },
    { id: 'system', title: 'Part of a system', level: 'silver', fix: 'Set spec.system to the system it belongs to.', conditions: { all: [{ fact: 'hasSystem', operator: 'equal', value: true }] } },
    { id: 'runbook', title: 'Links its runbook', level: 'silver', fix: 'Add a metadata.links entry with type: runbook.', conditions: { all: [{ fact: 'hasRunbook', operator: 'equal', value: true }] } },
    { id: 'on-call', title: 'Names its on-call', level: 'silver', fix: 'Add the annotation pagerduty.com/service-id (or an Opsgenie one).', conditions: { all: [{ fact: 'hasOnCall', operator: 'equal', value: true }] } },
    { id: 'codeowners', title: 'Repository has CODEOWNERS', level: 'silver', fix: 'Add a CODEOWNERS file (root, .github/, .gitlab/ or docs/).', conditions: { all: [{ fact: 'hasCodeowners', operator: 'equal', value: true }] } },
    { id: 'ci-green', title: 'CI green on the default branch', level: 'silver', fix: 'Fix the failing workflow on the default branch.', conditions: { all: [{ fact: 'ciStatus', operator: 'equal', value: 'success' }] } },
    { id: 'recent-release', title: 'Released in the last 90 days', level: 'gold', fix: 'Cut a release.', conditions: { all: [{ fact: 'releaseAgeDays', operator: 'lessThanInclusive', value: 90 }] } },
    { id: 'fresh-docs', title: 'Docs changed in the last 180 days', level: 'gold', fix: 'Review the docs and commit what changed.', conditions: { all: [{ fact: 'docsAgeDays', operator: 'lessThanInclusive', value: 180 }] } },
    { id: 'no-critical-alerts', title: 'No open critical security alerts', level: 'gold', fix: 'Fix or dismiss the critical alerts.', conditions: { all: [{ fact: 'criticalSecurityAlerts', operator: 'equal', value: 0 }] } },
  ],
};
