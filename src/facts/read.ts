import { readFileSync, statSync } from 'node:fs';
import { describeFsError } from '../discover/files.ts';

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

export type ReadResult =
  | { ok: true; text: string; bytes: Buffer; warning?: string }
  | { ok: false; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (for the message). */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k += 1) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    const second = bytes[i + 1] ?? 0;
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return bytes.length;
}

/**
 * Reads a source file as text, or says in one line why it cannot be analyzed. Invalid UTF-8 is
 * not fatal: it is decoded with replacement characters (positions after it stay right, since each
 * bad byte becomes one UTF-16 unit only where the rest of the line is ASCII) and flagged.
 */
export function readSource(absPath: string, maxBytes: number): ReadResult {
  let size: number;
  try {
    size = statSync(absPath).size;
  } catch (error) {
    return { ok: false, reason: describeFsError(error) };
  }
  if (size > maxBytes) {
    return { ok: false, reason: `too large (${formatBytes(size)}, the limit is ${formatBytes(maxBytes)}; raise it with --max-file-size)` };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(absPath);
  } catch (error) {
    return { ok: false, reason: describeFsError(error) };
  }
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { ok: false, reason: 'binary file (contains NUL bytes)' };
  try {
    return { ok: true, text: strictUtf8.decode(bytes), bytes };
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    return {
      ok: true,
      text: lenientUtf8.decode(bytes),
      bytes,
      warning: `invalid UTF-8 at byte ${offset} (0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')}); analyzed with replacement characters`,
    };
  }
}
