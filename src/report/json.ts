import type { ScanResult } from '../pipeline/scan.ts';
import { ENVRACE_VERSION } from '../version.ts';

/** Machine-readable output: findings with their witnesses, and what was skipped. Positions are 1-based. */
export function toJson(scan: ScanResult): string {
  const toPosition = (span: { line: number; column: number; endLine: number; endColumn: number }) => ({
    line: span.line + 1,
    column: span.column + 1,
    endLine: span.endLine + 1,
    endColumn: span.endColumn + 1,
  });
  const report = {
    tool: 'envrace',
    version: ENVRACE_VERSION,
    summary: {
      errors: scan.findings.filter((f) => f.level === 'error').length,
      warnings: scan.findings.filter((f) => f.level === 'warning').length,
      notes: scan.findings.filter((f) => f.level === 'note').length,
      filesAnalyzed: scan.filesAnalyzed,
      filesSkipped: scan.skipped.filter((s) => s.severity !== 'note').length,
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
    })),
    skipped: scan.skipped,
    ...(scan.dependencies ? { dependencies: scan.dependencies, audit: scan.audit } : {}),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
