import { z } from 'zod';

/**
 * The HTTP client plugins fetch through: conditional requests (ETag), retries with backoff
 * on 5xx and timeouts, rate limits honoured (429, or 403 with Retry-After or a spent
 * X-RateLimit-Remaining) within a time budget shared by the build, and a concurrency limit.
 * Every failure becomes an HttpError whose message a person can act on, never a credential.
 */

/** A request that failed for good, with a message fit for the problems page. */
export class HttpError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** A remembered response, to ask again with If-None-Match. */
export interface CachedResponse {
  etag: string;
  body: unknown;
}

/** Options of {@link createHttpClient}. */
export interface HttpOptions {
  /** Responses by URL from the last build; answers that come back 304 are read from here. */
  etags?: Map<string, CachedResponse>;
  /** Most requests in flight at once. Default 4. */
  concurrency?: number;
  /** Tries after the first, for 5xx and timeouts. Default 2. */
  retries?: number;
  /** Milliseconds before a request is given up. Default 15,000. */
  timeoutMs?: number;
  /** Most milliseconds the build spends waiting on rate limits and retries. Default 60,000. */
  budgetMs?: number;
  /** Milliseconds one second of Retry-After (and of backoff) stands for; tests shorten it. Default 1,000. */
  unitMs?: number;
}

/** What plugins call. */
export interface HttpClient {
  /** GETs JSON and validates it; only what the schema names is kept. */
  getJson<T>(url: string, schema: z.ZodType<T>, init?: { headers?: Record<string, string> }): Promise<T>;
  /** Requests made this build, and how many came back 304 (not modified). */
  readonly stats: { requests: number; notModified: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The host of a URL, for messages (never its query string, which may be long or private). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}

/** Creates the client for one build. */
export function createHttpClient(options: HttpOptions = {}): HttpClient {
  const etags = options.etags ?? new Map<string, CachedResponse>();
  const unit = options.unitMs ?? 1000;
  const retries = options.retries ?? 2;
  const timeoutMs = options.timeoutMs ?? 15_000;
  let budget = options.budgetMs ?? 60_000;
  let active = 0;
  const queue: (() => void)[] = [];
  const stats = { requests: 0, notModified: 0 };

  const acquire = async () => {
    if (active >= (options.concurrency ?? 4)) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
  };
  const release = () => {
    active--;
    queue.shift()?.();
  };
  /** Waits `ms` if the budget allows; false when it does not. */
  const wait = async (ms: number) => {
    if (ms > budget) return false;
    budget -= ms;
    await sleep(ms);
    return true;
  };

  async function attempt(url: string, headers: Record<string, string>, tries: number): Promise<{ body: unknown; etag?: string }> {
    const cached = etags.get(url);
    let response: Response;
    stats.requests++;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', ...headers, ...(cached ? { 'if-none-match': cached.etag } : {}) }, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      if (tries < retries && (await wait(2 ** tries * unit))) return attempt(url, headers, tries + 1);
      throw new HttpError(timedOut ? `${hostOf(url)} did not answer within ${timeoutMs / 1000} s` : `${hostOf(url)} could not be reached (${error instanceof Error ? error.message : String(error)})`);
    }
    if (response.status === 304 && cached) {
      stats.notModified++;
      return { body: cached.body, etag: cached.etag };
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    const limited = response.status === 429 || (response.status === 403 && (response.headers.get('x-ratelimit-remaining') === '0' || Number.isFinite(retryAfter) && retryAfter > 0));
    if (limited) {
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : Number.isFinite(reset) && reset > 0 ? Math.max(1, reset - Math.floor(Date.now() / 1000)) : 60;
      if (tries < retries && (await wait(seconds * unit))) return attempt(url, headers, tries + 1);
      const at = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      throw new HttpError(`${hostOf(url)} rate limit reached; it resets at ${at}, past this build's wait budget`, response.status);
    }
    if (response.status >= 500) {
      if (tries < retries && (await wait(2 ** tries * unit))) return attempt(url, headers, tries + 1);
      throw new HttpError(`${hostOf(url)} answered ${response.status} (${response.statusText || 'server error'})`, response.status);
    }
    if (response.status === 401 || response.status === 403) throw new HttpError(`${hostOf(url)} rejected the credentials (${response.status}); check the token in the environment`, response.status);
    if (response.status === 404) throw new HttpError(`${hostOf(url)} has no such thing (404); check the annotation's value`, 404);
    if (!response.ok) throw new HttpError(`${hostOf(url)} answered ${response.status}`, response.status);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(`${hostOf(url)} answered with malformed JSON`, response.status);
    }
    const etag = response.headers.get('etag');
    return etag ? { body, etag } : { body };
  }

  return {
    stats,
    async getJson(url, schema, init = {}) {
      await acquire();
      try {
        const { body, etag } = await attempt(url, init.headers ?? {}, 0);
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new HttpError(`${hostOf(url)} answered in an unexpected shape (${issue ? `${issue.path.join('.') || 'the body'}: ${issue.message}` : 'invalid'})`);
        }
        // Only what the schema names is remembered (in the build cache), never the raw payload.
        if (etag) etags.set(url, { etag, body: parsed.data });
        return parsed.data;
      } finally {
        release();
      }
    },
  };
}
