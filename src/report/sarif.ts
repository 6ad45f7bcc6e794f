import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Finding, SourceLocation } from '../analyze/finding.ts';
import type { BaselineEntry } from '../baseline/file.ts';
import type { ScanResult } from '../pipeline/scan.ts';
import { toSarifRegion } from '../positions.ts';
import { loadRules, type Rule } from '../rules/registry.ts';
import { ENVRACE_HOMEPAGE, ENVRACE_VERSION } from '../version.ts';
import { lineHashes } from './fingerprint.ts';

export const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** `automationDetails.id` prefix (GitHub code scanning "category"); a trailing `/` is added. */
  category?: string;
}

function ruleDescriptor(rule: Rule): Sarif.ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.shortDescription },
    fullDescription: { text: rule.fullDescription },
    helpUri: `${ENVRACE_HOMEPAGE}/blob/v${ENVRACE_VERSION}/rules/${rule.id}/README.md`,
    help: { text: rule.documentation, markdown: rule.documentation },
    defaultConfiguration: { level: rule.level },
    properties: {
      tags: rule.tags,
      precision: rule.precision,
      'problem.severity': rule.level === 'note' ? 'recommendation' : rule.level,
      'security-severity': rule.securitySeverity,
    },
  };
}

/** Files under the scan root are relative to %SRCROOT%; dependency files elsewhere get absolute file: URIs. */
function artifactLocation(fileId: string): Sarif.ArtifactLocation {
  return path.isAbsolute(fileId) ? { uri: pathToFileURL(fileId).href } : { uri: encodeURI(fileId), uriBaseId: SRCROOT };
}

function physicalLocation(location: SourceLocation): Sarif.PhysicalLocation {
  return { artifactLocation: artifactLocation(location.fileId), region: toSarifRegion(location.span) };
}

/** Reads each file with findings once, for GitHub-compatible line hashes. */
class FingerprintSource {
  private readonly hashes = new Map<string, Map<number, string> | null>();
  constructor(private readonly root: string) {}

  lineHash(location: SourceLocation): string | undefined {
    let hashes = this.hashes.get(location.fileId);
    if (hashes === undefined) {
      try {
        hashes = lineHashes(readFileSync(path.resolve(this.root, location.fileId), 'utf8'));
      } catch {
        hashes = null;
      }
      this.hashes.set(location.fileId, hashes);
    }
    return hashes?.get(location.span.line + 1);
  }
}

function sarifResult(finding: Finding, ruleIndex: number, fingerprints: FingerprintSource): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.level,
    message: { text: finding.message },
    locations: [{ physicalLocation: physicalLocation(finding.location) }],
  };
  if (finding.threads.length > 0) {
    result.codeFlows = [
      {
        message: { text: finding.threads.map((thread) => thread.label).join(' / ') },
        threadFlows: finding.threads.map((thread) => ({
          message: { text: thread.label },
          locations: thread.steps.map((step) => ({
            location: { physicalLocation: physicalLocation(step), message: { text: `${step.message} [in ${step.functionName}]` } },
            kinds: [step.kind],
          })),
        })),
      },
    ];
  }
  if (finding.related.length > 0) {
    result.relatedLocations = finding.related.map((related, index) => ({
      id: index + 1,
      physicalLocation: physicalLocation(related),
      message: { text: related.message },
    }));
  }
  const lineHash = finding.fingerprint ?? fingerprints.lineHash(finding.location);
  if (lineHash) result.partialFingerprints = { primaryLocationLineHash: lineHash };
  if (finding.suppression) result.suppressions = [{ kind: 'inSource', justification: finding.suppression.justification }];
  if (finding.baselineState) result.baselineState = finding.baselineState;
  const properties: Record<string, string> = {};
  if (finding.variable) properties.variable = finding.variable;
  if (finding.api) properties.api = finding.api;
  if (finding.reader) {
    properties.readerKind = finding.reader.kind;
    properties.readerApi = finding.reader.api;
  }
  properties.fix = finding.fix;
  result.properties = properties;
  return result;
}

/**
 * A baseline entry no current result matched. SARIF wants it as a valid result; it is `kind: pass`
 * (level `none`): the rule ran and the problem is no longer there.
 */
function absentResult(entry: BaselineEntry, indexOf: ReadonlyMap<string, number>): Sarif.Result {
  return {
    ruleId: entry.ruleId,
    ...(indexOf.has(entry.ruleId) ? { ruleIndex: indexOf.get(entry.ruleId)! } : {}),
    kind: 'pass',
    level: 'none',
    message: { text: `No longer found (was at line ${entry.line} when the baseline was written): ${entry.message}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(entry.file), region: { startLine: entry.line } } }],
    ...(entry.primaryLocationLineHash ? { partialFingerprints: { primaryLocationLineHash: entry.primaryLocationLineHash } } : {}),
    baselineState: 'absent',
  };
}

/** SARIF 2.1.0 for a scan. Deterministic: no timestamps, stable ordering, paths relative to %SRCROOT%. */
export function toSarif(scan: ScanResult, options: SarifOptions = {}): Sarif.Log {
  const rules = loadRules();
  const indexOf = new Map(rules.map((rule, index) => [rule.id, index]));
  const fingerprints = new FingerprintSource(scan.root);
  const notifications: Sarif.Notification[] = scan.skipped.map((skipped) => ({
    level: skipped.severity === 'note' ? 'note' : 'warning',
    message: { text: `${skipped.file}: ${skipped.reason}` },
    descriptor: { id: skipped.severity === 'note' ? 'partially-analyzed-file' : 'skipped-file' },
    // Entries about a group rather than a file (`(dependencies)`, `(python environment)`) have no location.
    ...(skipped.file.startsWith('(')
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(skipped.file),
                ...(skipped.line ? { region: { startLine: skipped.line } } : {}),
              },
            },
          ],
        }),
  }));
  const category = (options.category ?? 'envrace').replace(/\/+$/, '');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'envrace',
            version: ENVRACE_VERSION,
            semanticVersion: ENVRACE_VERSION,
            informationUri: ENVRACE_HOMEPAGE,
            rules: rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: `${category}/` },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(scan.root).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results: [
          ...scan.findings.map((finding) => sarifResult(finding, indexOf.get(finding.ruleId) ?? 0, fingerprints)),
          ...(scan.absent ?? []).map((entry) => absentResult(entry, indexOf)),
        ],
        // GitHub shows only locations inside the repository, so what the audit found in dependencies travels here.
        ...(scan.dependencies ? { properties: { dependencies: scan.dependencies, audit: scan.audit } } : {}),
      },
    ],
  };
}
