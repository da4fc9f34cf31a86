import { z } from 'zod';
import { definePlugin } from '../api.ts';

/**
 * SonarQube (or SonarCloud): a deep link from `sonarqube.org/project-key`, and, when the
 * server's URL is configured (with a token from the environment for private projects), the
 * quality gate and the main measures, fetched at build time.
 */
const gateSchema = z.object({ projectStatus: z.object({ status: z.enum(['OK', 'WARN', 'ERROR', 'NONE']) }) });
const measuresSchema = z.object({ component: z.object({ measures: z.array(z.object({ metric: z.string(), value: z.string().optional() })) }) });
const METRICS = ['bugs', 'vulnerabilities', 'code_smells', 'coverage', 'duplicated_lines_density'] as const;
const LABELS: Record<(typeof METRICS)[number], string> = { bugs: 'Bugs', vulnerabilities: 'Vulnerabilities', code_smells: 'Code smells', coverage: 'Coverage', duplicated_lines_density: 'Duplication' };

const dataSchema = z.object({ gate: z.enum(['OK', 'WARN', 'ERROR', 'NONE']), measures: z.record(z.string(), z.string()) });

const KEY = 'sonarqube.org/project-key';
/** Backstage allows `instance/key`; the key is after the slash. */
const projectKey = (value: string) => (value.includes('/') ? value.slice(value.indexOf('/') + 1) : value);

export const sonarqube = definePlugin({
  name: 'sonarqube',
  options: z.strictObject({
    /** The server, e.g. https://sonarcloud.io or https://sonar.acme.example; measures are fetched only when it is set. */
    baseUrl: z.url().optional(),
    /** The environment variable holding a token (needed for private projects). */
    tokenEnv: z.string().default('SONARQUBE_TOKEN'),
  }),
  appliesTo: { annotations: [KEY] },
  data: dataSchema,
  freshForSeconds: 60 * 60,
  cacheKey: (entity) => entity.annotations[KEY] ?? '',
  async load(entities, { options, http, secret }) {
    const found = new Map<string, z.infer<typeof dataSchema>>();
    if (!options.baseUrl) return found;
    const base = options.baseUrl.replace(/\/$/, '');
    const token = secret(options.tokenEnv);
    const headers: Record<string, string> = token ? { authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` } : {};
    await Promise.all(
      entities.map(async (entity) => {
        const key = projectKey(entity.annotations[KEY] ?? '');
        const gate = await http.getJson(`${base}/api/qualitygates/project_status?projectKey=${encodeURIComponent(key)}`, gateSchema, { headers });
        const measured = await http.getJson(`${base}/api/measures/component?component=${encodeURIComponent(key)}&metricKeys=${METRICS.join(',')}`, measuresSchema, { headers });
        const measures: Record<string, string> = {};
        for (const m of measured.component.measures) if (m.value !== undefined && (METRICS as readonly string[]).includes(m.metric)) measures[m.metric] = m.value;
        found.set(entity.node.ref, { gate: gate.projectStatus.status, measures });
      }),
    );
    return found;
  },
  card(entity, data, options) {
    const key = projectKey(entity.annotations[KEY] ?? '');
    const href = options.baseUrl ? `${options.baseUrl.replace(/\/$/, '')}/dashboard?id=${encodeURIComponent(key)}` : undefined;
    if (!data) {
      return {
        title: 'SonarQube',
        ...(href ? { href } : {}),
        fields: [{ label: 'Project', value: key }],
        note: options.baseUrl ? undefined : 'Set plugins → sonarqube → options.baseUrl to show the quality gate and measures.',
      };
    }
    const percent = (metric: string) => (metric === 'coverage' || metric === 'duplicated_lines_density' ? '%' : '');
    return {
      title: 'SonarQube',
      ...(href ? { href } : {}),
      status: data.gate === 'OK' ? 'ok' : data.gate === 'ERROR' ? 'error' : data.gate === 'WARN' ? 'warning' : 'info',
      summary: `Quality gate: ${data.gate === 'OK' ? 'passed' : data.gate === 'ERROR' ? 'failed' : data.gate === 'WARN' ? 'warning' : 'not computed'}`,
      fields: METRICS.filter((m) => data.measures[m] !== undefined).map((m) => ({ label: LABELS[m], value: `${data.measures[m]}${percent(m)}` })),
    };
  },
  facts: (_entity, data) => (data && data.gate !== 'NONE' ? { qualityGate: data.gate === 'OK' ? 'passed' : 'failed' } : {}),
});
