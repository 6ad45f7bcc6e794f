import type { Finding } from '../analyze/finding.ts';
import type { Baseline, BaselineEntry } from './file.ts';

/** Messages name other places (`spawned at main.c:14:5`); without those positions they survive edits elsewhere. */
function withoutPositions(message: string): string {
  return message.replace(/:\d+(?::\d+)?\b/g, ':_');
}

const byHash = (ruleId: string, file: string, hash: string | undefined): string | undefined => (hash ? `${ruleId}\u0000${file}\u0000${hash}` : undefined);
const byMessage = (ruleId: string, file: string, message: string): string => `${ruleId}\u0000${file}\u0000${withoutPositions(message)}`;

export interface BaselineComparison {
  /** Every finding with `baselineState` set to `new` or `unchanged`. */
  findings: Finding[];
  /** Baseline entries no current result matched (the problem was fixed, or the code changed too much). */
  absent: BaselineEntry[];
}

/**
 * Marks each finding `unchanged` when the baseline holds an entry for it, else `new`. A finding and
 * an entry match on rule, file and line hash (GitHub's `primaryLocationLineHash`, which survives
 * edits above the line); the findings left over then match the entries left over on rule, file and
 * message with positions ignored, so that an edit just after a baselined line (inside the hash's
 * 100-character window) does not make it new. Each entry matches once. Entries of files outside
 * `scope` (a `--only` run) are not reported absent.
 */
export function compareWithBaseline(findings: readonly Finding[], baseline: Baseline, scope?: ReadonlySet<string>): BaselineComparison {
  const unused = new Set(baseline.results);
  const index = (key: (entry: BaselineEntry) => string | undefined): Map<string, BaselineEntry[]> => {
    const map = new Map<string, BaselineEntry[]>();
    for (const entry of baseline.results) {
      const k = key(entry);
      if (k === undefined) continue;
      const list = map.get(k);
      if (list) list.push(entry);
      else map.set(k, [entry]);
    }
    return map;
  };
  const take = (map: Map<string, BaselineEntry[]>, key: string | undefined): BaselineEntry | undefined => {
    const entry = key === undefined ? undefined : map.get(key)?.find((candidate) => unused.has(candidate));
    if (entry) unused.delete(entry);
    return entry;
  };
  const hashes = index((entry) => byHash(entry.ruleId, entry.file, entry.primaryLocationLineHash));
  const messages = index((entry) => byMessage(entry.ruleId, entry.file, entry.message));

  const matched = findings.map((finding) => take(hashes, byHash(finding.ruleId, finding.location.fileId, finding.fingerprint)) !== undefined);
  findings.forEach((finding, i) => {
    if (!matched[i]) matched[i] = take(messages, byMessage(finding.ruleId, finding.location.fileId, finding.message)) !== undefined;
  });
  const marked = findings.map((finding, i): Finding => ({ ...finding, baselineState: matched[i] ? 'unchanged' : 'new' }));
  const absent = [...unused].filter((entry) => !scope || scope.has(entry.file));
  absent.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { findings: marked, absent };
}
