import type { Finding, Level } from '../analyze/finding.ts';
import { activeFindings, type ScanResult } from '../pipeline/scan.ts';
import { displayLineColumn } from '../positions.ts';

export interface TextOptions {
  color: boolean;
  /** End with the summary line (findings by level, files analyzed and skipped). */
  summary: boolean;
}

const COLORS: Record<Level | 'dim' | 'bold', [string, string]> = {
  error: ['\x1b[31m', '\x1b[39m'],
  warning: ['\x1b[33m', '\x1b[39m'],
  note: ['\x1b[36m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

function painter(enabled: boolean) {
  return (style: keyof typeof COLORS, text: string): string => (enabled ? `${COLORS[style][0]}${text}${COLORS[style][1]}` : text);
}

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

function renderFinding(finding: Finding, paint: ReturnType<typeof painter>): string {
  const lines = [`${paint('bold', `${finding.location.fileId}:${displayLineColumn(finding.location.span)}`)}: ${paint(finding.level, finding.level)} ${finding.ruleId}: ${finding.message}`];
  for (const thread of finding.threads) {
    lines.push(`    ${thread.label}:`);
    thread.steps.forEach((step, index) => {
      lines.push(`      ${index + 1}. ${step.fileId}:${displayLineColumn(step.span)}  ${step.message} ${paint('dim', `[in ${step.functionName}]`)}`);
    });
  }
  lines.push(`    ${paint('dim', 'fix:')} ${finding.fix}`);
  return lines.join('\n');
}

/** Human output: one block per finding, then a summary line. Skipped files go to stderr (see `skippedLines`). */
export function toText(scan: ScanResult, options: TextOptions): string {
  const paint = painter(options.color);
  const blocks = activeFindings(scan).map((finding) => renderFinding(finding, paint));
  const findings = blocks.length > 0 ? `${blocks.join('\n\n')}\n` : '';
  const dependencies = dependencyTable(scan, paint);
  const body = [findings, dependencies].filter((part) => part !== '').join('\n');
  if (!options.summary) return body;
  return `${body}${body ? '\n' : ''}${summaryLine(scan)}\n`;
}

/** `envrace audit`: the dependencies that can write the environment, after the findings. */
function dependencyTable(scan: ScanResult, paint: ReturnType<typeof painter>): string {
  if (!scan.dependencies) return '';
  if (scan.dependencies.length === 0) return 'No dependency writes the environment.\n';
  const lines = [paint('bold', 'Dependencies that write the environment:')];
  for (const dep of scan.dependencies) {
    const reached = dep.reachedAfterSpawn ? paint('error', 'reached after threads start') : 'not reached after a spawn';
    lines.push(`  ${dep.name}${dep.version ? ` ${dep.version}` : ''} (${dep.ecosystem}): ${reached}`);
    for (const route of dep.paths) lines.push(`    path:   ${route}`);
    if (dep.publicFunctions.length > 0) {
      const shown = dep.publicFunctions.slice(0, 6).join(', ');
      lines.push(`    public: ${shown}${dep.publicFunctions.length > 6 ? ` and ${dep.publicFunctions.length - 6} more` : ''}`);
    }
    for (const write of dep.writes.slice(0, 4)) lines.push(`    writes: ${write.file}:${write.line}${write.variable ? ` (${write.variable})` : ''}`);
    if (dep.writes.length > 4) lines.push(`    writes: and ${dep.writes.length - 4} more`);
  }
  return `${lines.join('\n')}\n`;
}

/** `; 2 suppressed; 5 unchanged from baseline.json, 1 absent`, or nothing. */
function policyText(scan: ScanResult): string {
  const suppressed = scan.findings.filter((finding) => finding.suppression).length;
  const parts: string[] = [];
  if (suppressed > 0) parts.push(`${suppressed} suppressed`);
  if (scan.baselineFile !== undefined) {
    const unchanged = scan.findings.filter((finding) => !finding.suppression && finding.baselineState === 'unchanged').length;
    const absent = scan.absent?.length ?? 0;
    parts.push(`${unchanged} unchanged from baseline ${scan.baselineFile}${absent > 0 ? `, ${absent} absent (fixed or moved)` : ''}`);
  }
  return parts.map((part) => `; ${part}`).join('');
}

export function summaryLine(scan: ScanResult): string {
  const active = activeFindings(scan);
  const count = (level: Level): number => active.filter((finding) => finding.level === level).length;
  const left = scan.skipped.filter((skipped) => skipped.severity !== 'note');
  // Group entries (`(dependencies)`) say their own count in their line; only files are counted here.
  const partial = new Set(scan.skipped.filter((skipped) => skipped.severity === 'note' && !skipped.file.startsWith('(')).map((skipped) => skipped.file)).size;
  const reasons = new Map<string, number>();
  for (const skipped of left) {
    const reason = skipped.reason.replace(/ \(.*$/, '');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const skippedText = left.length === 0 ? '' : `; ${left.length} skipped (${[...reasons].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, n]) => `${n} ${reason}`).join(', ')})`;
  const partialText = partial === 0 ? '' : `; ${plural(partial, 'file')} analyzed in part`;
  const auditText = scan.audit
    ? ` (${plural(scan.audit.packages, 'dependency', 'dependencies')} via ${scan.audit.ecosystems.join(', ') || 'no ecosystem'}; ${scan.audit.dependencyFilesParsed} of ${scan.audit.dependencyFilesPresent} dependency files parsed)`
    : '';
  return `envrace: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')}${scan.baselineFile !== undefined ? ' new' : ''} in ${plural(scan.filesAnalyzed, 'file')} analyzed${auditText}${policyText(scan)}${skippedText}${partialText}`;
}

/** One line per skipped or partially analyzed file, for stderr. */
export function skippedLines(scan: ScanResult): string[] {
  return scan.skipped.map((skipped) =>
    skipped.severity === 'note'
      ? `envrace: note: ${skipped.file}${skipped.line ? `:${skipped.line}` : ''}: ${skipped.reason}`
      : `envrace: skipped ${skipped.file}: ${skipped.reason}`,
  );
}
