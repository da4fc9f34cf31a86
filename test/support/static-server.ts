import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml',
  '.txt': 'text/plain',
};

/** A plain static file server on 127.0.0.1, like a CDN with no rewrites: `dir/` serves `dir/index.html`. */
export interface StaticServer {
  url: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function serveStatic(root: string, options: { base?: string; headers?: Record<string, string> } = {}): Promise<StaticServer> {
  const base = options.base ?? '/';
  const absRoot = resolve(root);
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const notFound = async () => {
      const page = join(absRoot, '404.html');
      const exists = await stat(page).then((s) => s.isFile(), () => false);
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
      if (exists) createReadStream(page).pipe(res);
      else res.end('Not found');
    };
    if (!path.startsWith(base)) return notFound();
    let file = normalize(join(absRoot, path.slice(base.length)));
    if (file !== absRoot && !file.startsWith(absRoot + sep)) return notFound();
    if (path.endsWith('/')) file = join(file, 'index.html');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return notFound();
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...options.headers });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
