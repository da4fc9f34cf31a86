import { join } from 'node:path';

/**
 * Every folder and file Playbill keeps in the build cache (Astro's `cacheDir`, which the
 * deploy workflow saves between runs), named in one place. Each stage deletes the entries
 * it did not see this run, so the cache never grows without bound.
 */
export function cacheLayout(cacheDir: string) {
  const root = join(cacheDir, 'playbill');
  return {
    root,
    /** GitHub downloads and crawl state, per API host and organisation. */
    github: (host: string, org: string) => join(root, 'github', host.replace(/[^\w.-]/g, '_'), org),
    /** Docs assets waiting to be copied into the output. */
    assets: join(root, 'assets'),
    /** The list of those assets, read by the integration after the build. */
    assetsManifest: join(root, 'assets.json'),
    /** Highlighted code blocks by digest. */
    highlight: join(root, 'highlight-cache.json'),
    /** Rendered docs sites by input digest. */
    docsSites: join(root, 'docs'),
    /** Docs page HTML in digest-named files (kept out of the content store). */
    pageHtml: join(root, 'html'),
    /** API definitions highlighted and summarised, by the digest of the definition. */
    apiViews: join(root, 'api-views'),
    /** Relation-graph SVGs in digest-named files (kept out of the content store). */
    graphSvg: join(root, 'graphs'),
    /** Relation-graph layouts by the shape they were computed for. */
    graphLayouts: join(root, 'graph-layouts.json'),
    /** Each source's entity count in the last good build, for the mass-removal guard. */
    sourceCounts: join(root, 'source-counts.json'),
    /** What plugins fetched, by plugin and entity, and their responses' ETags. */
    plugins: join(root, 'plugin-data.json'),
    /** Last build's scorecard levels, for the change since then. */
    scorecardLevels: join(root, 'scorecard-levels.json'),
    /** Last build's Pagefind index, reused when no page changed. */
    pagefind: join(root, 'pagefind'),
    /** What Pagefind reads: the last indexed output's pages without their unindexed parts (src/integrations/search-copy.ts). */
    searchCopy: join(root, 'search-copy'),
    /** The digest of the output page each file of that copy was made from. */
    searchCopyList: join(root, 'search-copy.json'),
    /** What the content store held after the last content sync (loaders/store-entries.ts). */
    storeEntries: join(root, 'store-entries.json'),
    /** Last full build's whole output (hard links), put back when no input changed. */
    lastOutput: join(root, 'last-build', 'output'),
    /** What the content store held for that output: a docs-only rebuild compares with it. */
    lastStoreEntries: join(root, 'last-build', 'store-entries.json'),
    /** The digest of every file of that output. */
    lastOutputFiles: join(root, 'last-build', 'files.json'),
    /** The digest of each of that build's inputs, by name: says what changed since. */
    lastInputParts: join(root, 'last-build', 'inputs.json'),
    /** The digest of that build's inputs; written last, removed first. */
    lastInputs: join(root, 'last-build', 'inputs.sha256'),
  };
}
