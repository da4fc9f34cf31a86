/**
 * Whether a skeleton file is copied unchanged rather than rendered: the heuristic of the
 * `isbinaryfile` package Backstage uses (byte-order marks, a NUL byte, or more than 10% of the
 * first 512 bytes that are neither text controls nor valid UTF-8).
 */
export function isBinaryFile(bytes: Uint8Array): boolean {
  const total = Math.min(bytes.length, 512);
  if (total === 0) return false;
  const at = (i: number) => bytes[i] ?? 0;
  if (total >= 3 && at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf) return false;
  if (total >= 4 && at(0) === 0 && at(1) === 0 && at(2) === 0xfe && at(3) === 0xff) return false;
  if (total >= 4 && at(0) === 0xff && at(1) === 0xfe && at(2) === 0 && at(3) === 0) return false;
  if (total >= 4 && at(0) === 0x84 && at(1) === 0x31 && at(2) === 0x95 && at(3) === 0x33) return false;
  if (total >= 5 && String.fromCharCode(at(0), at(1), at(2), at(3), at(4)) === '%PDF-') return true;
  if (total >= 2 && ((at(0) === 0xfe && at(1) === 0xff) || (at(0) === 0xff && at(1) === 0xfe))) return false;
  const continuation = (i: number) => at(i) >= 0x80 && at(i) <= 0xbf;
  let suspicious = 0;
  for (let i = 0; i < total; i += 1) {
    const byte = at(i);
    if (byte === 0) return true;
    if ((byte < 7 || byte > 14) && (byte < 32 || byte > 127)) {
      if (byte >= 0xc0 && byte <= 0xdf && i + 1 < total && continuation(i + 1)) {
        i += 1;
        continue;
      }
      if (byte >= 0xe0 && byte <= 0xef && i + 2 < total && continuation(i + 1) && continuation(i + 2)) {
        i += 2;
        continue;
      }
      if (byte >= 0xf0 && byte <= 0xf7 && i + 3 < total && continuation(i + 1) && continuation(i + 2) && continuation(i + 3)) {
        i += 3;
        continue;
      }
      suspicious += 1;
      if (i >= 32 && (suspicious * 100) / total > 10) return true;
    }
  }
  return (suspicious * 100) / total > 10;
}
