/**
 * What Playbill's stages log through. Astro's integration logger fits (each stage gets a
 * fork labelled with its name, e.g. `[playbill:sources]`), and so does `console`.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that hands each stage its own labelled one, as Astro's integration logger does. */
export interface ForkingLogger extends Logger {
  fork(label: string): ForkingLogger;
}

/**
 * Lines on standard output in Astro's format, `12:34:56 [playbill:docs] …`, for the parts of
 * a build that run outside Astro's logger (the build script, the docs-only rebuild).
 */
export function stdoutLogger(label: string): ForkingLogger {
  const write = (message: string) => process.stdout.write(`${new Date().toTimeString().slice(0, 8)} [${label}] ${message}\n`);
  return { info: write, warn: write, fork: stdoutLogger };
}

/** Formats a duration for a progress line: `850 ms`, `12 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Least time between two lines, so a long stage says something every few seconds. Default 5 s. */
  everyMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * Reports a long stage's progress: `what: 300 of 1,000 (30%), about 12 s left`, at most
 * once per `everyMs`, estimated from the rate so far. Silent for a stage that ends before the
 * first interval (small builds stay quiet).
 */
export function progress(logger: Logger | undefined, what: string, total: number, options: ProgressOptions = {}) {
  const now = options.now ?? Date.now;
  const every = options.everyMs ?? 5000;
  const started = now();
  let last = started;
  let done = 0;
  return {
    /** Counts `n` more items done and reports when it is time to. */
    tick(n = 1): void {
      done += n;
      const at = now();
      if (done >= total || at - last < every) return;
      last = at;
      const left = ((at - started) / done) * (total - done);
      logger?.info(`${what}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} (${Math.floor((done / total) * 100)}%), about ${formatDuration(left)} left`);
    },
  };
}
