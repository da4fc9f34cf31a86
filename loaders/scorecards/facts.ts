import type { CatalogNode } from '../catalog/graph.ts';
import { CODEOWNERS_LOCATIONS } from '../catalog/codeowners.ts';
import { parseEntityRef } from '../catalog/refs.ts';

/**
 * The facts scorecard checks can name, where each comes from, and how each is computed from
 * what the build already knows. A fact nobody could provide is absent from the facts of an
 * entity, and a check that needs it is "unknown", never a failure.
 */
export const FACTS = {
  // From the entity and its relations.
  kind: 'the entity\'s kind, lowercase (component, api, …)',
  type: 'spec.type',
  lifecycle: 'spec.lifecycle',
  hasOwner: 'spec.owner is set (Tech Insights: entityOwnershipFactRetriever)',
  ownerKind: 'the owner\'s kind, lowercase (group, user)',
  ownerExists: 'the owner is an entity in the catalog',
  hasGroupOwner: 'owned by a Group that exists in the catalog (Tech Insights: entityOwnershipFactRetriever)',
  hasTitle: 'metadata.title is set (Tech Insights: entityMetadataFactRetriever)',
  hasDescription: 'metadata.description is set (Tech Insights: entityMetadataFactRetriever)',
  hasTags: 'metadata.tags has at least one tag (Tech Insights: entityMetadataFactRetriever)',
  tags: 'metadata.tags',
  hasLifecycle: 'spec.lifecycle is set',
  system: 'the system the entity is part of (entity ref), absent when none',
  hasSystem: 'the entity is part of a system',
  linkTypes: 'the types of metadata.links (runbook, dashboard, …)',
  hasRunbook: 'a link of type runbook, or titled "runbook"',
  hasDashboard: 'a link of type dashboard, or a Grafana or Datadog annotation',
  annotations: 'metadata.annotations (use path, e.g. $[\'pagerduty.com/service-id\'])',
  hasOnCall: 'a PagerDuty or Opsgenie annotation',
  hasAnnotationBackstageIoTechdocsRef: 'backstage.io/techdocs-ref is set (Tech Insights: techdocsFactRetriever)',
  providedApis: 'how many APIs the entity provides',
  hasDocs: 'the portal built docs for the entity',
  hasApiDefinition: 'an API with a spec.definition',
  docsAgeDays: 'days since the entity\'s docs last changed (from the repository\'s history)',
  // From the crawl of the entity's repository.
  hasCodeowners: 'the repository has CODEOWNERS (root, .github/, .gitlab/ or docs/, where Backstage looks)',
  hasReadme: 'the repository has a README',
  hasSecurityPolicy: 'the repository has SECURITY.md',
  hasCiWorkflow: 'the repository has a GitHub Actions workflow',
  lastCommitAgeDays: 'days since the newest commit Playbill knows of the entity\'s descriptor or docs (GitHub: the crawled HEAD commit)',
  // From plugins (unknown until a plugin provides them).
  ciStatus: 'default-branch CI status: success, failure, … (a CI plugin)',
  releaseAgeDays: 'days since the latest release (a release plugin)',
  criticalSecurityAlerts: 'open critical security alerts (a security plugin)',
  qualityGate: 'code quality gate: passed or failed (a code-quality plugin)',
  onCall: 'someone is on call now (an on-call plugin)',
} as const;
export type FactName = keyof typeof FACTS;

/** Every fact name a check may use. */
export const FACT_NAMES: ReadonlySet<string> = new Set(Object.keys(FACTS));

/** What facts are computed from, besides the entity. */
export interface FactContext {
  /** The catalog by ref, for the owner and system. */
  byRef: ReadonlyMap<string, CatalogNode>;
  /** The entity's docs site, when the portal built one, with its newest page date. */
  docs?: { lastModified?: string } | undefined;
  /** The newest commit date known for the entity's descriptor or docs. */
  lastCommit?: string | undefined;
  /** Files found in the entity's repository, by path; undefined when unknown. */
  files?: ReadonlySet<string> | undefined;
  /** Facts from plugins, by name. */
  pluginFacts?: Readonly<Record<string, unknown>>;
  /** "Now", for ages in days. */
  now: Date;
}

const DAY = 24 * 60 * 60 * 1000;

/** The facts of one entity. Absent keys are unknown. Pure. */
export function factsFor(node: CatalogNode, context: FactContext): Partial<Record<FactName, unknown>> {
  const { entity } = node;
  const spec = entity.spec ?? {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const annotations = entity.metadata.annotations ?? {};
  const tags = entity.metadata.tags ?? [];
  const links = entity.metadata.links ?? [];
  const linkTypes = links.map((l) => text(l.type)).filter((t): t is string => t !== undefined);
  const ownerRef = entity.relations.find((r) => r.type === 'ownedBy')?.targetRef;
  const ownerKind = ownerRef ? parseEntityRef(ownerRef).kind.toLowerCase() : undefined;
  const ownerExists = ownerRef ? context.byRef.has(ownerRef) : false;
  const system = entity.relations.find((r) => r.type === 'partOf' && parseEntityRef(r.targetRef).kind === 'system')?.targetRef;
  const has = (...keys: string[]) => keys.some((k) => annotations[k] !== undefined);

  const facts: Partial<Record<FactName, unknown>> = {
    kind: entity.kind.toLowerCase(),
    hasOwner: ownerRef !== undefined,
    ownerExists,
    hasGroupOwner: ownerKind === 'group' && ownerExists,
    hasTitle: text(entity.metadata.title) !== undefined,
    hasDescription: text(entity.metadata.description) !== undefined,
    hasTags: tags.length > 0,
    tags,
    hasLifecycle: text(spec['lifecycle']) !== undefined,
    hasSystem: system !== undefined,
    linkTypes,
    hasRunbook: links.some((l) => l.type === 'runbook' || /runbook/i.test(l.title ?? '')),
    hasDashboard: linkTypes.includes('dashboard') || has('grafana/dashboard-selector', 'grafana/overview-dashboard', 'datadoghq.com/dashboard-url'),
    annotations,
    hasOnCall: has('pagerduty.com/service-id', 'pagerduty.com/integration-key', 'opsgenie.com/component-selector', 'opsgenie.com/team'),
    hasAnnotationBackstageIoTechdocsRef: has('backstage.io/techdocs-ref'),
    providedApis: entity.relations.filter((r) => r.type === 'providesApi').length,
    hasDocs: context.docs !== undefined,
    hasApiDefinition: entity.kind === 'API' && text(spec['definition']) !== undefined,
  };
  const type = text(spec['type']);
  if (type !== undefined) facts.type = type;
  const lifecycle = text(spec['lifecycle']);
  if (lifecycle !== undefined) facts.lifecycle = lifecycle;
  if (ownerKind !== undefined) facts.ownerKind = ownerKind;
  if (system !== undefined) facts.system = system;
  const changed = context.docs?.lastModified ? Date.parse(context.docs.lastModified) : Number.NaN;
  if (!Number.isNaN(changed)) facts.docsAgeDays = Math.floor((context.now.getTime() - changed) / DAY);
  const committed = context.lastCommit ? Date.parse(context.lastCommit) : Number.NaN;
  if (!Number.isNaN(committed)) facts.lastCommitAgeDays = Math.floor((context.now.getTime() - committed) / DAY);
  if (context.files) {
    const files = context.files;
    facts.hasCodeowners = CODEOWNERS_LOCATIONS.some((f) => files.has(f));
    facts.hasReadme = ['README.md', 'readme.md', 'README'].some((f) => files.has(f));
    facts.hasSecurityPolicy = ['SECURITY.md', '.github/SECURITY.md'].some((f) => files.has(f));
    facts.hasCiWorkflow = [...files].some((f) => f.startsWith('.github/workflows/'));
  }
  for (const [name, value] of Object.entries(context.pluginFacts ?? {})) if (FACT_NAMES.has(name) && value !== undefined) Reflect.set(facts, name, value);
  return facts;
}
