import { z } from 'zod';
import { definePlugin, erasePlugin, type PlaybillPlugin, type PluginCard } from '../api.ts';

/**
 * Cards that need no fetch: each tool's annotations (the keys Backstage's plugins read, so
 * existing descriptors light up unchanged) become a deep link to the live tool. Base URLs
 * come from the plugin's options.
 */

const url = z.url({ protocol: /^https?$/ });
const join = (base: string, path: string) => `${base.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
const enc = encodeURIComponent;

/** A deep-link plugin from its annotations and how they become a card. */
function deepLink<Options extends Record<string, unknown>>(spec: {
  name: string;
  title: string;
  annotations: string[];
  options: z.ZodType<Options>;
  card: (a: Readonly<Record<string, string>>, options: Options) => Omit<PluginCard, 'title'>;
}): PlaybillPlugin<Options> {
  return definePlugin<Options>({
    name: spec.name,
    options: spec.options,
    appliesTo: { annotations: spec.annotations },
    card: (entity, _data, options) => ({ title: spec.title, ...spec.card(entity.annotations, options) }),
  });
}

/** Without a base URL, a card can only show the value and say what is missing. */
const needsBase = (name: string) => `Set plugins → ${name} → options.baseUrl to link to it.`;

export const opsgenie = deepLink({
  name: 'opsgenie',
  title: 'Opsgenie',
  annotations: ['opsgenie.com/component-selector', 'opsgenie.com/team'],
  options: z.strictObject({ baseUrl: url.default('https://app.opsgenie.com') }),
  card: (a, o) => ({
    href: a['opsgenie.com/team'] ? join(o.baseUrl, `teams/dashboard?query=${enc(a['opsgenie.com/team'])}`) : join(o.baseUrl, 'alert/list'),
    fields: [
      ...(a['opsgenie.com/team'] ? [{ label: 'Team', value: a['opsgenie.com/team'] }] : []),
      ...(a['opsgenie.com/component-selector'] ? [{ label: 'Components', value: a['opsgenie.com/component-selector'] }] : []),
    ],
  }),
});

export const grafana = deepLink({
  name: 'grafana',
  title: 'Grafana',
  annotations: ['grafana/dashboard-selector', 'grafana/overview-dashboard'],
  options: z.strictObject({ baseUrl: url.optional() }),
  card: (a, o) => {
    const overview = url.safeParse(a['grafana/overview-dashboard']);
    const selector = a['grafana/dashboard-selector'];
    return {
      ...(overview.success ? { href: overview.data, summary: 'The service\'s overview dashboard.' } : o.baseUrl && selector ? { href: join(o.baseUrl, `dashboards?query=${enc(selector)}`) } : {}),
      fields: selector ? [{ label: 'Dashboards', value: selector, ...(o.baseUrl ? { href: join(o.baseUrl, `dashboards?query=${enc(selector)}`) } : {}) }] : [],
      ...(!overview.success && !o.baseUrl ? { note: needsBase('grafana') } : {}),
    };
  },
});

export const datadog = deepLink({
  name: 'datadog',
  title: 'Datadog',
  annotations: ['datadoghq.com/dashboard-url'],
  options: z.strictObject({}),
  card: (a) => {
    const dashboard = url.safeParse(a['datadoghq.com/dashboard-url']);
    return dashboard.success ? { href: dashboard.data, summary: 'The service\'s dashboard.' } : { note: 'datadoghq.com/dashboard-url is not an http(s) URL.' };
  },
});

export const sentry = deepLink({
  name: 'sentry',
  title: 'Sentry',
  annotations: ['sentry.io/project-slug'],
  options: z.strictObject({ baseUrl: url.default('https://sentry.io'), organization: z.string().optional() }),
  card: (a, o) => {
    const slug = a['sentry.io/project-slug'] ?? '';
    const [org, project] = slug.includes('/') ? slug.split('/', 2) : [o.organization, slug];
    return org && project
      ? { href: join(o.baseUrl, `organizations/${enc(org)}/projects/${enc(project)}/`), fields: [{ label: 'Project', value: `${org}/${project}` }] }
      : { fields: [{ label: 'Project', value: slug }], note: 'Set plugins → sentry → options.organization, or write the slug as organization/project.' };
  },
});

export const snyk = deepLink({
  name: 'snyk',
  title: 'Snyk',
  annotations: ['snyk.io/org-name', 'snyk.io/project-ids'],
  options: z.strictObject({ baseUrl: url.default('https://app.snyk.io') }),
  card: (a, o) => {
    const org = a['snyk.io/org-name'];
    const projects = (a['snyk.io/project-ids'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    return {
      ...(org ? { href: join(o.baseUrl, `org/${enc(org)}`) } : {}),
      fields: org ? projects.map((id) => ({ label: 'Project', value: id, href: join(o.baseUrl, `org/${enc(org)}/project/${enc(id)}`) })) : projects.map((id) => ({ label: 'Project', value: id })),
    };
  },
});

/** A tool reached at `{baseUrl}/{path}` for one annotation's value; without a base URL, the value and a note. */
function baseUrlLink(spec: { name: string; title: string; annotation: string; label: string; path: (value: string) => string }) {
  return deepLink({
    name: spec.name,
    title: spec.title,
    annotations: [spec.annotation],
    options: z.strictObject({ baseUrl: url.optional() }),
    card: (a, o) => {
      const value = a[spec.annotation] ?? '';
      const fields = [{ label: spec.label, value }];
      return o.baseUrl ? { href: join(o.baseUrl, spec.path(enc(value))), fields } : { fields, note: needsBase(spec.name) };
    },
  });
}

export const jira = baseUrlLink({ name: 'jira', title: 'Jira', annotation: 'jira/project-key', label: 'Project', path: (key) => `browse/${key}` });

export const argocd = baseUrlLink({ name: 'argocd', title: 'Argo CD', annotation: 'argocd/app-name', label: 'Application', path: (app) => `applications/${app}` });

export const kubernetes = deepLink({
  name: 'kubernetes',
  title: 'Kubernetes',
  annotations: ['backstage.io/kubernetes-id'],
  options: z.strictObject({ dashboardUrl: url.optional() }),
  card: (a, o) => {
    const id = a['backstage.io/kubernetes-id'] ?? '';
    const selector = `backstage.io/kubernetes-id=${id}`;
    return {
      ...(o.dashboardUrl ? { href: o.dashboardUrl } : {}),
      fields: [{ label: 'Label selector', value: selector }],
      summary: `Workloads labelled ${selector}.`,
    };
  },
});

/** Every deep-link plugin, as the registry holds them. */
export const DEEP_LINK_PLUGINS = [erasePlugin(opsgenie), erasePlugin(grafana), erasePlugin(datadog), erasePlugin(sentry), erasePlugin(snyk), erasePlugin(jira), erasePlugin(argocd), erasePlugin(kubernetes)];
