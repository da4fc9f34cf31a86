import { readFileSync } from 'node:fs';
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/**
 * Mermaid ships as prebuilt ES modules. Bundling it again on every build cost about three
 * seconds of Vite's client build (most of the client build); it never changes between builds
 * of one Playbill version, so its own minified modules are copied into the site instead, under
 * a folder named after its version (so hosts may cache them forever), and loaded from there.
 */

const require = createRequire(import.meta.url);
const mermaidPackage = require.resolve('mermaid/package.json');
const mermaidVersion = String(JSON.parse(readFileSync(mermaidPackage, 'utf8')).version);
const mermaidDist = join(dirname(mermaidPackage), 'dist');

/** The site path of Mermaid's entry module, before the base is added. */
export const MERMAID_MODULE = `_vendor/mermaid-${mermaidVersion}/mermaid.esm.min.mjs`;

/** Copies Mermaid's entry module and its chunks (no source maps) into the built site. */
export async function copyMermaid(out: string): Promise<number> {
  const target = join(out, dirname(MERMAID_MODULE));
  const chunks = join(mermaidDist, 'chunks/mermaid.esm.min');
  const files = [join(mermaidDist, 'mermaid.esm.min.mjs'), ...(await readdir(chunks, { recursive: true })).filter((f) => f.endsWith('.mjs')).map((f) => join(chunks, f))];
  for (const file of files) {
    const destination = join(target, relative(mermaidDist, file).split(sep).join('/'));
    await mkdir(dirname(destination), { recursive: true });
    // A hard link costs nothing; across devices, a copy.
    await link(file, destination).catch(() => copyFile(file, destination));
  }
  return files.length;
}
