import { access } from 'node:fs/promises';

/**
 * `npm run build` starts Astro before it knows whether a build is needed (scripts/build.ts):
 * Astro loads its code while the build script checks whether the last build's output can be
 * put back. astro.config.mjs calls this before it reads or writes anything. It returns once
 * the file `PLAYBILL_START_FILE` names exists (the go-ahead), at once without that variable,
 * and throws if the process that started Astro is gone (so no orphan waits for ever). When
 * no build is needed, the build script stops Astro while it waits here.
 */
export async function waitForGoAhead(file = process.env['PLAYBILL_START_FILE']): Promise<void> {
  if (!file) return;
  const parent = process.ppid;
  while (!(await access(file).then(() => true, () => false))) {
    if (process.ppid !== parent) throw new Error('the build script exited before it let Astro start');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
