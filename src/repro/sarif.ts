// `envrace repro --from results.sarif`: reproduce each env-mutation-after-thread-spawn finding with the mode its
// concurrent reader calls for, and write a copy of the log where each result carries properties.reproduction.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Log, Result } from 'sarif';
import { isPlainVariableName, type ExecApi, type ReproRunOptions } from './options.ts';
import type { ReproMode, ReproVerdict } from './verdict.ts';

export const REPRODUCIBLE_RULE = 'env-mutation-after-thread-spawn';

/** What envrace's analyzer puts in `result.properties` for this rule. */
export interface FindingProperties {
  variable?: string;
  readerKind?: 'getenv' | 'exec' | 'other';
  readerApi?: string;
}

export interface ReproPlan {
  mode: ReproMode;
  variables: string[];
  apis: ExecApi[];
}

/** Exec-class reader APIs, by the libc call they end in. Anything else exec-like races the same way through posix_spawn. */
export function execApisFor(readerApi: string | undefined): ExecApi[] {
  if (!readerApi) return [];
  const api = readerApi.toLowerCase();
  if (/\bsystem\b|popen/.test(api)) return ['system'];
  if (/posix_spawn/.test(api)) return ['posix_spawn'];
  if (/vfork|\bfork\b|\bexec(v|l|ve|vp|vpe|le|lp)?\b|execve/.test(api)) return ['vfork'];
  return ['posix_spawn'];
}

export function planFor(properties: FindingProperties | undefined): ReproPlan {
  const kind = properties?.readerKind;
  const mode: ReproMode = kind === 'exec' ? 'exec' : kind === 'getenv' ? 'getenv' : 'auto';
  const variable = properties?.variable;
  return {
    mode,
    variables: typeof variable === 'string' && isPlainVariableName(variable) ? [variable] : [],
    apis: mode === 'exec' ? execApisFor(properties?.readerApi) : [],
  };
}

function ruleIdOf(result: Result, rules: readonly { id: string }[] | undefined): string | undefined {
  if (result.ruleId) return result.ruleId;
  if (result.rule?.id) return result.rule.id;
  const index = result.ruleIndex ?? result.rule?.index;
  return index !== undefined ? rules?.[index]?.id : undefined;
}

export function locationOf(result: Result): string {
  const physical = result.locations?.[0]?.physicalLocation;
  const uri = physical?.artifactLocation?.uri ?? '(no location)';
  const line = physical?.region?.startLine;
  const column = physical?.region?.startColumn;
  return line === undefined ? uri : column === undefined ? `${uri}:${line}` : `${uri}:${line}:${column}`;
}

export interface FindingReproduction {
  runIndex: number;
  resultIndex: number;
  location: string;
  plan: ReproPlan;
  verdict: ReproVerdict;
}

export interface SarifReproduction {
  log: Log;
  findings: FindingReproduction[];
  /** Results of other rules, left as they were. */
  skipped: number;
  /** Distinct plans actually run (findings with the same plan share one reproduction). */
  reproductions: number;
}

export function readSarif(path: string): Log {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read SARIF from ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const log = value as Partial<Log> | null;
  if (!log || typeof log !== 'object' || !Array.isArray(log.runs)) throw new Error(`${path} is not a SARIF log (no "runs" array)`);
  return log as Log;
}

/**
 * Reproduces every finding of the rule in `log` (mutating it: each such result gets properties.reproduction).
 * `reproduce` runs the program; identical plans run once, one after the other (trials must not compete for CPUs).
 */
export async function reproduceSarif(
  log: Log,
  base: ReproRunOptions,
  reproduce: (options: ReproRunOptions) => Promise<ReproVerdict>,
): Promise<SarifReproduction> {
  const findings: FindingReproduction[] = [];
  const byPlan = new Map<string, ReproVerdict>();
  let skipped = 0;
  for (const [runIndex, run] of log.runs.entries()) {
    const rules = run.tool?.driver?.rules;
    for (const [resultIndex, result] of (run.results ?? []).entries()) {
      if (ruleIdOf(result, rules) !== REPRODUCIBLE_RULE) {
        skipped++;
        continue;
      }
      const plan = planFor(result.properties as FindingProperties | undefined);
      const key = JSON.stringify(plan);
      let verdict = byPlan.get(key);
      if (!verdict) {
        verdict = await reproduce({
          ...base,
          mode: plan.mode,
          variables: plan.variables.length > 0 ? plan.variables : base.variables,
          apis: plan.apis.length > 0 ? plan.apis : base.apis,
        });
        byPlan.set(key, verdict);
      }
      result.properties = { ...(result.properties ?? {}), reproduction: verdict };
      findings.push({ runIndex, resultIndex, location: locationOf(result), plan, verdict });
    }
  }
  return { log, findings, skipped, reproductions: byPlan.size };
}

/** Writes next to the target and renames over it, so a reader never sees a half-written log. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
