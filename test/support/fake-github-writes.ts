/**
 * A fake GitHub on 127.0.0.1 for the scaffolder's publishing steps: the REST endpoints that
 * create a repository, upload blobs, trees and commits, move refs, set topics and open pull
 * requests, with GitHub's request and response shapes and its 401/404/422 answers.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

interface Commit {
  tree: string;
  parents: string[];
  message: string;
}

interface FakeRepository {
  owner: string;
  name: string;
  private: boolean;
  visibility: string;
  description: string | null;
  defaultBranch: string;
  topics: string[];
  refs: Map<string, string>;
  pulls: { number: number; title: string; head: string; base: string; body: string }[];
}

export interface FakeGithubWrites {
  apiUrl: string;
  requests: { method: string; path: string; authorization: string | undefined }[];
  /** Files of a branch, path -> bytes. */
  filesAt(owner: string, repo: string, branch: string): Map<string, Buffer>;
  /** Commits reachable from a branch, newest first. */
  history(owner: string, repo: string, branch: string): Commit[];
  repository(owner: string, repo: string): FakeRepository | undefined;
  addRepository(owner: string, repo: string, files: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startFakeGithubWrites(options: { token: string; orgs: string[]; user: string }): Promise<FakeGithubWrites> {
  const blobs = new Map<string, Buffer>();
  const trees = new Map<string, Map<string, string>>();
  const commits = new Map<string, Commit>();
  const repositories = new Map<string, FakeRepository>();
  const requests: FakeGithubWrites['requests'] = [];
  let counter = 0;
  const sha = (kind: string, content: string) => createHash('sha1').update(`${kind}${counter++}${content}`).digest('hex');
  let base = '';

  const storeTree = (entries: Map<string, string>) => {
    const id = sha('tree', [...entries].join());
    trees.set(id, entries);
    return id;
  };
  const storeCommit = (commit: Commit) => {
    const id = sha('commit', JSON.stringify(commit));
    commits.set(id, commit);
    return id;
  };
  const repoJson = (repo: FakeRepository) => ({
    id: 1,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private,
    visibility: repo.visibility,
    description: repo.description,
    default_branch: repo.defaultBranch,
    html_url: `${base}/${repo.owner}/${repo.name}`,
    owner: { login: repo.owner },
  });
  const newRepository = (owner: string, name: string, body: Record<string, unknown>): FakeRepository => ({
    owner,
    name,
    private: body['private'] === true,
    visibility: typeof body['visibility'] === 'string' ? body['visibility'] : body['private'] === true ? 'private' : 'public',
    description: typeof body['description'] === 'string' ? body['description'] : null,
    defaultBranch: 'main',
    topics: [],
    refs: new Map(),
    pulls: [],
  });

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? {} : JSON.parse(text);
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // GitHub accepts `heads%2Fmain` and `heads/main` alike (Octokit sends the first).
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v3/, '');
    requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization });
    if (req.headers.authorization !== `token ${options.token}` && req.headers.authorization !== `Bearer ${options.token}`) {
      send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    const body = req.method === 'GET' ? {} : await readBody(req);
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(path))) {
      const login = m[1] ?? '';
      send(res, 200, { login, type: options.orgs.includes(login) ? 'Organization' : 'User' });
      return;
    }
    if (req.method === 'POST' && ((m = /^\/orgs\/([^/]+)\/repos$/.exec(path)) || path === '/user/repos')) {
      const owner = m ? (m[1] ?? '') : options.user;
      const name = String(body['name']);
      if (repositories.has(`${owner}/${name}`)) {
        send(res, 422, { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }] });
        return;
      }
      const repo = newRepository(owner, name, body);
      repositories.set(`${owner}/${name}`, repo);
      send(res, 201, repoJson(repo));
      return;
    }
    m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    const repo = m ? repositories.get(`${m[1]}/${m[2]}`) : undefined;
    if (m === null || repo === undefined) {
      send(res, 404, { message: 'Not Found' });
      return;
    }
    const rest = m[3] ?? '';
    const head = (branch: string) => repo.refs.get(branch);
    if (rest === '' && req.method === 'GET') return send(res, 200, repoJson(repo));
    if (rest === '' && req.method === 'PATCH') {
      if (typeof body['default_branch'] === 'string') repo.defaultBranch = body['default_branch'];
      return send(res, 200, repoJson(repo));
    }
    if (rest === '/topics' && req.method === 'PUT') {
      repo.topics = Array.isArray(body['names']) ? body['names'].map(String) : [];
      return send(res, 200, { names: repo.topics });
    }
    if ((m = /^\/contents\/(.+)$/.exec(rest)) && req.method === 'PUT') {
      const branch = typeof body['branch'] === 'string' ? body['branch'] : repo.defaultBranch;
      const parent = head(branch);
      const entries = new Map(parent ? (trees.get(commits.get(parent)?.tree ?? '') ?? []) : []);
      const blob = sha('blob', String(body['content']));
      blobs.set(blob, Buffer.from(String(body['content']), 'base64'));
      entries.set(decodeURIComponent(m[1] ?? ''), blob);
      const commit = storeCommit({ tree: storeTree(entries), parents: parent ? [parent] : [], message: String(body['message']) });
      repo.refs.set(branch, commit);
      return send(res, 201, { content: { path: m[1] }, commit: { sha: commit } });
    }
    if (rest === '/git/blobs' && req.method === 'POST') {
      const id = sha('blob', String(body['content']));
      blobs.set(id, Buffer.from(String(body['content']), body['encoding'] === 'base64' ? 'base64' : 'utf8'));
      return send(res, 201, { sha: id, url: `${base}/blobs/${id}` });
    }
    if (repo.refs.size === 0 && rest.startsWith('/git/')) return send(res, 409, { message: 'Git Repository is empty.' });
    if (rest === '/git/trees' && req.method === 'POST') {
      const entries = new Map(typeof body['base_tree'] === 'string' ? (trees.get(body['base_tree']) ?? []) : []);
      for (const entry of Array.isArray(body['tree']) ? body['tree'] : []) {
        if (!blobs.has(entry.sha)) return send(res, 422, { message: `tree.sha ${entry.sha} is not a valid blob` });
        entries.set(entry.path, entry.sha);
      }
      return send(res, 201, { sha: storeTree(entries) });
    }
    if (rest === '/git/commits' && req.method === 'POST') {
      const id = storeCommit({ tree: String(body['tree']), parents: Array.isArray(body['parents']) ? body['parents'].map(String) : [], message: String(body['message']) });
      return send(res, 201, { sha: id });
    }
    if ((m = /^\/git\/commits\/([0-9a-f]+)$/.exec(rest)) && req.method === 'GET') {
      const commit = commits.get(m[1] ?? '');
      return commit ? send(res, 200, { sha: m[1], tree: { sha: commit.tree }, message: commit.message }) : send(res, 404, { message: 'Not Found' });
    }
    if ((m = /^\/git\/ref\/heads\/(.+)$/.exec(rest)) && req.method === 'GET') {
      const target = head(m[1] ?? '');
      return target ? send(res, 200, { ref: `refs/heads/${m[1]}`, object: { sha: target, type: 'commit' } }) : send(res, 404, { message: 'Not Found' });
    }
    if ((m = /^\/git\/refs\/heads\/(.+)$/.exec(rest)) && req.method === 'PATCH') {
      repo.refs.set(m[1] ?? '', String(body['sha']));
      return send(res, 200, { ref: `refs/heads/${m[1]}`, object: { sha: body['sha'] } });
    }
    if (rest === '/git/refs' && req.method === 'POST') {
      const ref = String(body['ref']).replace(/^refs\/heads\//, '');
      if (repo.refs.has(ref)) return send(res, 422, { message: 'Reference already exists' });
      repo.refs.set(ref, String(body['sha']));
      return send(res, 201, { ref: body['ref'], object: { sha: body['sha'] } });
    }
    if (rest === '/pulls' && req.method === 'POST') {
      const pull = { number: repo.pulls.length + 1, title: String(body['title']), head: String(body['head']), base: String(body['base']), body: String(body['body'] ?? '') };
      repo.pulls.push(pull);
      return send(res, 201, { number: pull.number, html_url: `${base}/${repo.owner}/${repo.name}/pull/${pull.number}` });
    }
    send(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  base = `http://127.0.0.1:${port}`;

  const filesAt = (owner: string, name: string, branch: string) => {
    const commit = repositories.get(`${owner}/${name}`)?.refs.get(branch);
    const tree = trees.get(commits.get(commit ?? '')?.tree ?? '') ?? new Map<string, string>();
    return new Map([...tree].map(([path, blob]) => [path, blobs.get(blob) ?? Buffer.alloc(0)]));
  };
  return {
    apiUrl: `${base}/api/v3`,
    requests,
    filesAt,
    history(owner, name, branch) {
      const out: Commit[] = [];
      for (let id = repositories.get(`${owner}/${name}`)?.refs.get(branch); id !== undefined; ) {
        const commit = commits.get(id);
        if (commit === undefined) break;
        out.push(commit);
        id = commit.parents[0];
      }
      return out;
    },
    repository: (owner, name) => repositories.get(`${owner}/${name}`),
    addRepository(owner, name, files) {
      const repo = newRepository(owner, name, { private: true });
      const entries = new Map<string, string>();
      for (const [path, content] of Object.entries(files)) {
        const blob = sha('blob', content);
        blobs.set(blob, Buffer.from(content));
        entries.set(path, blob);
      }
      repo.refs.set('main', storeCommit({ tree: storeTree(entries), parents: [], message: 'existing' }));
      repositories.set(`${owner}/${name}`, repo);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
