import { activeFindings, type ScanResult } from '../pipeline/scan.ts';
import { ENVRACE_VERSION } from '../version.ts';

/** Machine-readable output: findings with their witnesses, and what was skipped. Positions are 1-based. */
export function toJson(scan: ScanResult): string {
  const toPosition = (span: { line: number; column: number; endLine: number; endColumn: number }) => ({
    line: span.line + 1,
    column: span.column + 1,
    endLine: span.endLine + 1,
    endColumn: span.endColumn + 1,
  });
  // Counts are of the active findings: not suppressed, not already in the baseline.
  const active = activeFindings(scan);
  const suppressed = scan.findings.filter((f) => f.suppression).length;
  const report = {
    tool: 'envrace',
    version: ENVRACE_VERSION,
    summary: {
      errors: active.filter((f) => f.level === 'error').length,
      warnings: active.filter((f) => f.level === 'warning').length,
      notes: active.filter((f) => f.level === 'note').length,
      filesAnalyzed: scan.filesAnalyzed,
      filesSkipped: scan.skipped.filter((s) => s.severity !== 'note').length,
      ...(suppressed > 0 ? { suppressed } : {}),
      ...(scan.baselineFile !== undefined
        ? { baseline: scan.baselineFile, unchanged: scan.findings.filter((f) => !f.suppression && f.baselineState === 'unchanged').length, absent: scan.absent?.length ?? 0 }
        : {}),
    },
    findings: scan.findings.map((finding) => ({
      ruleId: finding.ruleId,
      level: finding.level,
      file: finding.location.fileId,
      ...toPosition(finding.location.span),
      message: finding.message,
      variable: finding.variable,
      api: finding.api,
      reader: finding.reader,
      threads: finding.threads.map((thread) => ({
        label: thread.label,
        steps: thread.steps.map((step) => ({ file: step.fileId, ...toPosition(step.span), kind: step.kind, message: step.message, function: step.functionName })),
      })),
      related: finding.related.map((related) => ({ file: related.fileId, ...toPosition(related.span), message: related.message })),
      fix: finding.fix,
      ...(finding.fingerprint ? { fingerprint: finding.fingerprint } : {}),
      ...(finding.suppression ? { suppressed: true, justification: finding.suppression.justification } : {}),
      ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
    })),
    ...(scan.absent ? { absent: scan.absent.map((entry) => ({ ...entry, baselineState: 'absent' })) } : {}),
    skipped: scan.skipped,
    ...(scan.dependencies ? { dependencies: scan.dependencies, audit: scan.audit } : {}),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
