/**
 * A fake of the tools' APIs that the fetching plugins call (PagerDuty's REST API, SonarQube's
 * web API), on 127.0.0.1, with their real response shapes, ETags, and faults to inject.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** A fault for one request: a status with headers and body, a delay, or a broken body. */
export type ToolFault = { status: number; headers?: Record<string, string>; body?: string } | { delayMs: number } | { malformed: true };

export interface FakeTools {
  url: string;
  /** Requests seen, as `METHOD path?query`, with the Authorization header they carried. */
  requests: { path: string; authorization: string | undefined; ifNoneMatch: string | undefined }[];
  /** Sets (or clears) the fault for requests whose path starts with a prefix. */
  fault(prefix: string, fault: ToolFault | undefined): void;
  close(): Promise<void>;
}

export interface FakeToolsOptions {
  /** The token PagerDuty accepts (`Authorization: Token token=…`). */
  pagerdutyToken: string;
  /** PagerDuty services by id: name, status, escalation policy and who is on call. */
  services: Record<string, { name: string; status: string; policy: string; onCall: string[] }>;
  /** SonarQube projects by key: quality gate and measures. */
  projects: Record<string, { gate: 'OK' | 'WARN' | 'ERROR'; measures: Record<string, string> }>;
}

export async function startFakeTools(options: FakeToolsOptions): Promise<FakeTools> {
  const requests: FakeTools['requests'] = [];
  const faults = new Map<string, ToolFault>();
  const json = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    const etag = `"${createHash('sha1').update(text).digest('hex').slice(0, 16)}"`;
    if (status === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 200 ? { etag } : {}) });
    res.end(text);
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = `${url.pathname}${url.search}`;
    const ifNoneMatch = req.headers['if-none-match'];
    requests.push({ path, authorization: req.headers.authorization, ifNoneMatch: typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined });
    const fault = [...faults].find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault && 'malformed' in fault) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"service": {"name": "cut off');
    } else if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      return res.end(fault.body ?? JSON.stringify({ error: { message: 'fault' } }));
    }
    // PagerDuty REST API v2.
    const service = /^\/pagerduty\/services\/([^/]+)$/.exec(url.pathname);
    if (service || url.pathname === '/pagerduty/oncalls') {
      if (req.headers.authorization !== `Token token=${options.pagerdutyToken}`) return json(req, res, 401, { error: { message: 'Unauthorized', code: 2006 } });
      if (service) {
        const found = options.services[decodeURIComponent(service[1] ?? '')];
        if (!found) return json(req, res, 404, { error: { message: 'Not Found', code: 2100 } });
        return json(req, res, 200, {
          service: {
            id: service[1],
            name: found.name,
            status: found.status,
            html_url: `https://acme.pagerduty.com/service-directory/${service[1]}`,
            escalation_policy: { id: `EP-${service[1]}`, type: 'escalation_policy_reference', summary: found.policy, html_url: `https://acme.pagerduty.com/escalation_policies/EP-${service[1]}` },
            integrations: [{ id: 'secret-integration', summary: 'not for the portal' }],
          },
        });
      }
      const policy = url.searchParams.get('escalation_policy_ids[]') ?? '';
      const found = options.services[policy.replace(/^EP-/, '')];
      return json(req, res, 200, { oncalls: (found?.onCall ?? []).map((name, i) => ({ escalation_level: i + 1, user: { id: `U${i}`, summary: name, email: `${name.toLowerCase()}@acme.example` } })), limit: 10, offset: 0, more: false });
    }
    // SonarQube web API.
    if (url.pathname === '/sonar/api/qualitygates/project_status' || url.pathname === '/sonar/api/measures/component') {
      const key = url.searchParams.get('projectKey') ?? url.searchParams.get('component') ?? '';
      const project = options.projects[key];
      if (!project) return json(req, res, 404, { errors: [{ msg: `Project '${key}' not found` }] });
      if (url.pathname.endsWith('project_status')) return json(req, res, 200, { projectStatus: { status: project.gate, conditions: [] } });
      return json(req, res, 200, { component: { key, measures: Object.entries(project.measures).map(([metric, value]) => ({ metric, value, bestValue: false })) } });
    }
    json(req, res, 404, { message: 'no such route in the fake' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fault: (prefix, fault) => (fault ? faults.set(prefix, fault) : faults.delete(prefix)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
