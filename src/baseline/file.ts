import { readFileSync } from 'node:fs';
import type { Finding, Level } from '../analyze/finding.ts';
import { locateJsonError } from '../config/jsonError.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { ENVRACE_VERSION } from '../version.ts';

export const BASELINE_VERSION = 1;

/** One recorded result: what it is, where, and the line hash it is matched on. */
export interface BaselineEntry {
  ruleId: string;
  /** Path relative to the scan root (as in reports). */
  file: string;
  /** GitHub's `primaryLocationLineHash`: survives edits above the result. Absent when the file could not be read. */
  primaryLocationLineHash?: string;
  level: Level;
  message: string;
  /** 1-based line when the baseline was written; for people and for `absent` results, never for matching. */
  line: number;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  tool: { name: 'envrace'; version: string };
  results: BaselineEntry[];
}

/** A baseline file that cannot be used: one line naming the file and the problem. */
export class BaselineError extends Error {}

export function baselineEntry(finding: Finding): BaselineEntry {
  return {
    ruleId: finding.ruleId,
    file: finding.location.fileId,
    ...(finding.fingerprint ? { primaryLocationLineHash: finding.fingerprint } : {}),
    level: finding.level,
    message: finding.message,
    line: finding.location.span.line + 1,
  };
}

/** The baseline of a run: every result that is not suppressed, in a stable order. */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const results = findings
    .filter((finding) => !finding.suppression)
    .map(baselineEntry)
    .sort((a, b) => compare(a.file, b.file) || a.line - b.line || compare(a.ruleId, b.ruleId) || compare(a.message, b.message));
  return { version: BASELINE_VERSION, tool: { name: 'envrace', version: ENVRACE_VERSION }, results };
}

export function writeBaseline(file: string, findings: readonly Finding[]): Baseline {
  const baseline = baselineOf(findings);
  try {
    writeFileAtomic(file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (error) {
    throw new BaselineError(`${file}: cannot write the baseline (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return baseline;
}

const LEVELS = new Set(['error', 'warning', 'note']);

/** Reads and checks a baseline file. Throws `BaselineError` with a one-line message. */
export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BaselineError(`${file}: cannot read the baseline (${code === 'ENOENT' ? 'no such file; create it with --write-baseline' : (code ?? String(error))})`);
  }
  let data: unknown;
  text = text.replace(/^\uFEFF/, '');
  try {
    data = JSON.parse(text);
  } catch {
    const { offset, problem } = locateJsonError(text);
    const before = text.slice(0, offset);
    throw new BaselineError(`${file}: not a baseline: invalid JSON at line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}: ${problem}`);
  }
  const fail = (pointer: string, problem: string): never => {
    throw new BaselineError(`${file}: not an envrace baseline: ${pointer}: ${problem}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('/', 'must be an object with "version", "tool" and "results"');
  const record = data as Record<string, unknown>;
  if (record.version !== BASELINE_VERSION) fail('/version', `must be ${BASELINE_VERSION}${record.version === undefined ? '' : ` (found ${JSON.stringify(record.version)})`}`);
  if (!Array.isArray(record.results)) fail('/results', 'must be an array');
  (record.results as unknown[]).forEach((entry, index) => {
    const at = `/results/${index}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(at, 'must be an object');
    const fields = entry as Record<string, unknown>;
    for (const key of ['ruleId', 'file', 'message'] as const) if (typeof fields[key] !== 'string') fail(`${at}/${key}`, 'must be a string');
    if (fields.primaryLocationLineHash !== undefined && typeof fields.primaryLocationLineHash !== 'string') fail(`${at}/primaryLocationLineHash`, 'must be a string');
    if (fields.level !== undefined && !LEVELS.has(fields.level as string)) fail(`${at}/level`, 'must be "error", "warning" or "note"');
    if (fields.line !== undefined && (!Number.isInteger(fields.line) || (fields.line as number) < 1)) fail(`${at}/line`, 'must be a positive integer');
  });
  const tool = record.tool as { version?: unknown } | undefined;
  return {
    version: BASELINE_VERSION,
    tool: { name: 'envrace', version: typeof tool?.version === 'string' ? tool.version : 'unknown' },
    results: (record.results as Array<Record<string, unknown>>).map((fields) => ({
      ruleId: fields.ruleId as string,
      file: fields.file as string,
      ...(typeof fields.primaryLocationLineHash === 'string' ? { primaryLocationLineHash: fields.primaryLocationLineHash } : {}),
      level: (fields.level as Level | undefined) ?? 'warning',
      message: fields.message as string,
      line: (fields.line as number | undefined) ?? 1,
    })),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
