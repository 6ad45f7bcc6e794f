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

/** First offset where `bytes` stops being valid UTF-8 (for the message). */
function firstInvalidUtf8Offset(bytes: Buffer): number {
  let low = 0;
  let high = bytes.length;
  // Binary search on the longest valid prefix; a prefix may end mid-character, so allow 3 bytes of slack.
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, middle), { stream: true });
      low = middle;
    } catch {
      high = middle - 1;
    }
  }
  return low;
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
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };
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
