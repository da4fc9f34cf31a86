import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

/**
 * Reading and writing the build cache's own files. A cache file that is missing, unreadable
 * or not in the expected shape is no cache (the stage computes again); writes go to a
 * temporary name first, so a build killed mid-write never leaves half a file behind.
 */

/** Writes `text` to `file` under a temporary name, then moves it into place. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** Writes a value as JSON to a cache file, creating its folder. */
export async function writeCacheFile(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeAtomic(file, JSON.stringify(value));
}

/** A cache file's value, when it is there and in the schema's shape; otherwise undefined. */
export async function readCacheFile<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
