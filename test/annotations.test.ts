import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/audit/run.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/facts/read.ts';
import { runScan } from '../src/pipeline/scan.ts';
import { annotationsOf, auditPrerequisiteMissing, casesIn, sourceFilesOf, type Annotation } from './support/annotations.ts';

/**
 * The one harness for meaning: every `ruleid:` line must be reported, every `ok:` line must not be,
 * and nothing else may be reported. `todoruleid:` (a known miss) must still be missed and `todook:`
 * (a known false positive) must still be reported, so that fixing a gap forces updating its annotation.
 * Examples named `audit-*` are checked through `envrace audit` (the project with its dependencies);
 * they are skipped, loudly, where the real dependencies they name are not installed.
 */
const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const suites: Array<[string, string[]]> = [
  ...['c', 'rust', 'python', 'javascript'].map((language): [string, string[]] => [`fixtures/${language}`, casesIn(path.join(repoRoot, 'test/fixtures', language))]),
  ['examples', casesIn(path.join(repoRoot, 'examples'))],
];

const key = (file: string, line: number, ruleId: string): string => `${file}:${line} ${ruleId}`;

for (const [suite, cases] of suites) {
  describe(suite, () => {
    it('has cases', () => {
      expect(cases.length, `no cases under ${suite}`).toBeGreaterThan(0);
    });
    for (const casePath of cases) {
      const name = path.relative(repoRoot, casePath);
      const isAudit = path.basename(casePath).startsWith('audit-');
      const missing = isAudit ? auditPrerequisiteMissing(casePath) : undefined;
      if (missing) console.warn(`SKIPPED ${name}: ${missing}`);
      it.skipIf(missing !== undefined)(name, async () => {
        const annotations: Annotation[] = sourceFilesOf(casePath).flatMap((file) => annotationsOf(file, repoRoot));
        expect(annotations.length, `${name} has no ruleid:/ok: annotation`).toBeGreaterThan(0);
        const scan = isAudit
          ? await runAudit({ dir: casePath, includeDev: false, allDeps: false, cargoArgs: ['--offline'], maxFileBytes: DEFAULT_MAX_FILE_BYTES })
          : await runScan({ root: repoRoot, paths: [casePath], maxFileBytes: DEFAULT_MAX_FILE_BYTES });
        const toRepoId = (fileId: string): string => (isAudit && !path.isAbsolute(fileId) ? path.relative(repoRoot, path.join(casePath, fileId)).split(path.sep).join('/') : fileId);
        const reported = new Map(scan.findings.map((f) => [key(toRepoId(f.location.fileId), f.location.span.line + 1, f.ruleId), f]));
        const problems: string[] = [];
        const claimed = new Set<string>();
        for (const annotation of annotations) {
          const k = key(annotation.file, annotation.line, annotation.ruleId);
          const isReported = reported.has(k);
          if (annotation.kind === 'ruleid' || annotation.kind === 'todook') claimed.add(k);
          if (annotation.kind === 'ruleid' && !isReported) problems.push(`missed: ${k} (ruleid at line ${annotation.commentLine})`);
          if (annotation.kind === 'ok' && isReported) problems.push(`false positive: ${k}: ${reported.get(k)!.message}`);
          if (annotation.kind === 'todoruleid' && isReported) problems.push(`gap fixed, turn todoruleid into ruleid: ${k}`);
          if (annotation.kind === 'todook' && !isReported) problems.push(`gap fixed, turn todook into ok: ${k}`);
        }
        for (const [k, finding] of reported) {
          if (!claimed.has(k)) problems.push(`unexpected: ${k}: ${finding.message}`);
        }
        expect(problems, problems.join('\n')).toEqual([]);
      });
    }
  });
}
