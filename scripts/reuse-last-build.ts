/**
 * The first step of `npm run build`, in its own short-lived process: takes the digest of the
 * build's inputs (loaders/build-fingerprint.ts) and, when it matches the last full build's,
 * puts that build's output back. Run apart so that what it loads (the config's schemas,
 * YAML) is not held in memory while Astro runs: about 55 MiB on the build's peak.
 *
 *   node scripts/reuse-last-build.ts OUT_DIR CACHE_DIR [astro build arguments…]
 *
 * Prints one JSON line: `{ "restored": true, "digest" }`, else `{ "restored": false }` with
 * the digest that did not match or why there is none (`unavailable`), and what the full build
 * keeps its output under (`keep`, whenever the inputs could be read); and the kept output is
 * forgotten: a full build is about to replace it. Before it, as soon as the digest matches
 * the kept output's, `{ "match": true }`: the build script then stops Astro, which it started
 * alongside, instead of letting it load while the kept files are checked and put back.
 */
import { join } from 'node:path';
import { buildFingerprint, forgetLastBuild, restoreLastBuild, type Fingerprint } from '../loaders/build-fingerprint.ts';
import { loadConfig } from '../loaders/config.ts';

const [out = '', cacheDir = '', ...args] = process.argv.slice(2);
// An invalid config has no digest; Astro then reports it in full.
const fingerprint: Fingerprint = await Promise.resolve()
  .then(() => buildFingerprint(loadConfig(), { root: join(import.meta.dirname, '..'), cacheDir, args, env: process.env }))
  .catch((error: unknown) => ({ unavailable: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) }));
const match = () => process.stdout.write(`${JSON.stringify({ match: true })}\n`);
if ('digest' in fingerprint && (await restoreLastBuild(cacheDir, fingerprint.digest, out, match))) {
  process.stdout.write(`${JSON.stringify({ restored: true, digest: fingerprint.digest })}\n`);
} else {
  // A full build follows and writes over the output, which may share files with the kept one.
  await forgetLastBuild(cacheDir);
  process.stdout.write(`${JSON.stringify({ restored: false, ...fingerprint })}\n`);
}
