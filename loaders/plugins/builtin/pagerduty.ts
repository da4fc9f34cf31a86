import { z } from 'zod';
import { definePlugin } from '../api.ts';

/**
 * PagerDuty: a deep link from `pagerduty.com/service-id` (or `pagerduty.com/integration-key`),
 * and, when a token is in the environment, the service, its escalation policy and who is on
 * call, fetched at build time.
 */
const serviceSchema = z.object({
  service: z.object({
    name: z.string(),
    status: z.string(),
    html_url: z.url(),
    escalation_policy: z.object({ id: z.string(), summary: z.string(), html_url: z.url().optional() }),
  }),
});
const oncallsSchema = z.object({ oncalls: z.array(z.object({ escalation_level: z.number(), user: z.object({ summary: z.string() }) })) });

const dataSchema = z.object({
  name: z.string(),
  status: z.string(),
  url: z.string(),
  policy: z.string(),
  policyUrl: z.string().optional(),
  /** People on call now, first escalation level first. */
  onCall: z.array(z.string()),
});

const SERVICE = 'pagerduty.com/service-id';

export const pagerduty = definePlugin({
  name: 'pagerduty',
  options: z.strictObject({
    baseUrl: z.url().default('https://app.pagerduty.com'),
    apiUrl: z.url().default('https://api.pagerduty.com'),
    /** The environment variable holding a read-only REST API token. */
    tokenEnv: z.string().default('PAGERDUTY_TOKEN'),
  }),
  appliesTo: { annotations: [SERVICE, 'pagerduty.com/integration-key'] },
  data: dataSchema,
  freshForSeconds: 15 * 60,
  cacheKey: (entity) => entity.annotations[SERVICE] ?? '',
  async load(entities, { options, http, secret }) {
    const token = secret(options.tokenEnv);
    const found = new Map<string, z.infer<typeof dataSchema>>();
    if (!token) return found;
    const headers = { authorization: `Token token=${token}`, accept: 'application/vnd.pagerduty+json;version=2' };
    const api = options.apiUrl.replace(/\/$/, '');
    await Promise.all(
      entities.map(async (entity) => {
        const id = entity.annotations[SERVICE];
        if (!id) return;
        const { service } = await http.getJson(`${api}/services/${encodeURIComponent(id)}?include[]=escalation_policies`, serviceSchema, { headers });
        const { oncalls } = await http.getJson(`${api}/oncalls?escalation_policy_ids[]=${encodeURIComponent(service.escalation_policy.id)}&limit=10`, oncallsSchema, { headers });
        found.set(entity.node.ref, {
          name: service.name,
          status: service.status,
          url: service.html_url,
          policy: service.escalation_policy.summary,
          ...(service.escalation_policy.html_url ? { policyUrl: service.escalation_policy.html_url } : {}),
          onCall: [...oncalls].sort((a, b) => a.escalation_level - b.escalation_level).map((o) => o.user.summary),
        });
      }),
    );
    return found;
  },
  card(entity, data, options) {
    const id = entity.annotations[SERVICE];
    const link = id ? `${options.baseUrl.replace(/\/$/, '')}/service-directory/${encodeURIComponent(id)}` : undefined;
    if (!data) {
      return {
        title: 'PagerDuty',
        ...(link ? { href: link } : {}),
        fields: id ? [{ label: 'Service', value: id }] : [{ label: 'Integration key', value: 'set (events only)' }],
        note: id ? `On-call data needs ${options.tokenEnv} in the build's environment; this card links to PagerDuty.` : 'Add pagerduty.com/service-id to show the service and who is on call.',
      };
    }
    return {
      title: 'PagerDuty',
      href: data.url,
      status: data.status === 'active' ? 'ok' : data.status === 'critical' ? 'error' : 'warning',
      summary: data.onCall.length > 0 ? `On call now: ${data.onCall.join(', ')}` : 'Nobody is on call now.',
      fields: [
        { label: 'Service', value: data.name, href: data.url },
        { label: 'Status', value: data.status },
        { label: 'Escalation policy', value: data.policy, ...(data.policyUrl ? { href: data.policyUrl } : {}) },
      ],
    };
  },
  facts: (_entity, data) => (data ? { onCall: data.onCall.length > 0 } : {}),
});
