import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { untilFileExists } from './file-trees.ts';

const preparedSchema = z.union([z.object({ files: z.array(z.string()) }), z.object({ error: z.string() })]);

/**
 * What scripts/prepare-output.ts linked into the output folder, or why it could not: it
 * prepares the folder beside Astro and writes this list last. Waited for, looking every
 * `everyMs` (a few seconds at most; past two minutes, it throws).
 */
export async function preparedOutputList(listFile: string, everyMs: number): Promise<{ files: string[] } | { error: string }> {
  await untilFileExists(listFile, everyMs, (waited) => {
    if (waited > 120_000) throw new Error(`the output folder was not prepared in time (${listFile})`);
  });
  return preparedSchema.parse(JSON.parse(await readFile(listFile, 'utf8')));
}
