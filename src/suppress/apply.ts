import type { Finding, RuleId } from '../analyze/finding.ts';
import { languageForPath } from '../languages/extensions.ts';
import { coveredLine, findDirectives, type Directive } from './directives.ts';
import type { SourceTexts } from './sources.ts';

export const INVALID_SUPPRESSION: RuleId = 'invalid-suppression';

export interface SuppressionResult {
  /** The findings, those covered by a valid suppression marked with `suppression`. */
  findings: Finding[];
  /** One `invalid-suppression` result per comment that cannot suppress (no reason, no or unknown rule ids). */
  invalid: Finding[];
}

const EXAMPLE = 'envrace-ignore[env-mutation-after-thread-spawn]: why this is safe';

function problemsOf(directive: Directive, knownRules: ReadonlySet<string>): string[] {
  if (directive.ruleIds === undefined || directive.ruleIds.length === 0) {
    return [`${directive.text} names no rule, so it suppresses nothing: write the rule ids in brackets and a reason after a colon (${EXAMPLE})`];
  }
  const problems: string[] = [];
  if (!directive.reason) {
    problems.push(`${directive.text} has no reason, so it suppresses nothing: say why the code is safe after a colon (${directive.text}: reason)`);
  }
  for (const id of directive.ruleIds) {
    if (!knownRules.has(id)) problems.push(`${directive.text} names an unknown rule '${id}' (run \`envrace rules\` for the ids: ${[...knownRules].sort().join(', ')})`);
  }
  return problems;
}

function invalidFinding(fileId: string, directive: Directive, message: string): Finding {
  return {
    ruleId: INVALID_SUPPRESSION,
    level: 'note',
    location: { fileId, span: directive.span },
    message,
    threads: [],
    related: [],
    fix: 'Name the rules in brackets and give the reason after a colon, or delete the comment.',
  };
}

/**
 * Applies `envrace-ignore[rule-id]: reason` comments to findings. A comment alone on its line covers
 * the next line; a comment after code covers its own line. Only comments with a reason and known
 * rule ids suppress. `files` are the files whose comments are checked (besides those with findings),
 * so that a malformed comment is reported even where nothing is found.
 */
export function applySuppressions(findings: readonly Finding[], files: Iterable<string>, texts: SourceTexts, knownRules: ReadonlySet<string>): SuppressionResult {
  const byFile = new Map<string, Directive[]>();
  const invalid: Finding[] = [];
  const withFindings = new Set(findings.map((finding) => finding.location.fileId));
  const directivesOf = (fileId: string): Directive[] => {
    let directives = byFile.get(fileId);
    if (!directives) {
      const language = languageForPath(fileId);
      // Files with findings are kept in memory (their line hashes come next); the others are only looked at.
      const text = !language ? undefined : withFindings.has(fileId) ? texts.text(fileId) : texts.peek(fileId);
      directives = language && text !== undefined ? findDirectives(text, language) : [];
      byFile.set(fileId, directives);
      for (const directive of directives) {
        for (const message of problemsOf(directive, knownRules)) invalid.push(invalidFinding(fileId, directive, message));
      }
    }
    return directives;
  };
  for (const file of files) directivesOf(file);
  const marked = findings.map((finding) => {
    const line = finding.location.span.line;
    const directive = directivesOf(finding.location.fileId).find(
      (candidate) => coveredLine(candidate) === line && candidate.reason && candidate.ruleIds?.includes(finding.ruleId),
    );
    return directive ? { ...finding, suppression: { kind: 'inSource' as const, justification: directive.reason! } } : finding;
  });
  return { findings: marked, invalid };
}
