import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lineHashes } from '../report/fingerprint.ts';

/**
 * The text of reported files, read once per run after the analysis: for suppression comments and
 * for line-hash fingerprints. (Facts never keep source text; this is the report side reading it.)
 */
export class SourceTexts {
  private readonly texts = new Map<string, string | null>();
  private readonly hashes = new Map<string, Map<number, string> | null>();

  constructor(private readonly root: string) {}

  /** The file's text, or undefined when it cannot be read any more. */
  text(fileId: string): string | undefined {
    let text = this.texts.get(fileId);
    if (text === undefined) {
      try {
        text = readFileSync(path.resolve(this.root, fileId), 'utf8');
      } catch {
        text = null;
      }
      this.texts.set(fileId, text);
    }
    return text ?? undefined;
  }

  /** The file's text without keeping it (for files that only need a look for suppression comments). */
  peek(fileId: string): string | undefined {
    const kept = this.texts.get(fileId);
    if (kept !== undefined) return kept ?? undefined;
    try {
      return readFileSync(path.resolve(this.root, fileId), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** GitHub-compatible `primaryLocationLineHash` of a 0-based line. */
  lineHash(fileId: string, line: number): string | undefined {
    let hashes = this.hashes.get(fileId);
    if (hashes === undefined) {
      const text = this.text(fileId);
      hashes = text === undefined ? null : lineHashes(text);
      this.hashes.set(fileId, hashes);
    }
    return hashes?.get(line + 1);
  }
}
