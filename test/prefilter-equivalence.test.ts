import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/audit/run.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/facts/read.ts';
import { runScan, type ScanResult } from '../src/pipeline/scan.ts';
import { auditPrerequisiteMissing, casesIn } from './support/annotations.ts';
import { repoRoot } from './support/cli.ts';

/** The text prefilter may only save time: with and without it, every case gives the same findings. */
const comparable = (scan: ScanResult): string[] =>
  scan.findings.map((f) => `${f.ruleId} ${f.location.fileId}:${f.location.span.line + 1}:${f.location.span.column + 1} ${f.message}`);

const scanCases = [
  ...['c', 'rust', 'python', 'javascript'].flatMap((language) => casesIn(path.join(repoRoot, 'test/fixtures', language))),
  ...casesIn(path.join(repoRoot, 'examples')).filter((dir) => !path.basename(dir).startsWith('audit-')),
];

describe('prefiltered and exhaustive scans agree', () => {
  it.each(scanCases.map((dir) => [path.relative(repoRoot, dir), dir]))('%s', async (_name, dir) => {
    const base = { root: repoRoot, paths: [dir], maxFileBytes: DEFAULT_MAX_FILE_BYTES, jobs: 1 };
    const [selected, exhaustive] = [await runScan({ ...base }), await runScan({ ...base, exhaustive: true })];
    expect(comparable(selected)).toEqual(comparable(exhaustive));
  });

  const cargo = path.join(repoRoot, 'examples/audit-edgedb-cargo');
  const missing = auditPrerequisiteMissing(cargo);
  if (missing) console.warn(`SKIPPED prefilter equivalence on the real Cargo tree: ${missing}`);
  it.skipIf(missing !== undefined)('the real Cargo audit (reqwest, native-tls, openssl-probe and 55 more crates)', async () => {
    const base = { dir: cargo, includeDev: false, allDeps: false, cargoArgs: ['--offline'], maxFileBytes: DEFAULT_MAX_FILE_BYTES };
    const selected = await runAudit({ ...base });
    const exhaustive = await runAudit({ ...base, exhaustive: true });
    expect(comparable(selected)).toEqual(comparable(exhaustive));
    expect(selected.dependencies).toEqual(exhaustive.dependencies);
    expect(selected.audit!.dependencyFilesParsed).toBeLessThanOrEqual(exhaustive.audit!.dependencyFilesParsed);
  }, 300_000);
});
