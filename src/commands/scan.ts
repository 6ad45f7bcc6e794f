import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Level } from '../analyze/finding.ts';
import { BaselineError, readBaseline, writeBaseline, type Baseline } from '../baseline/file.ts';
import { fileFilter } from '../config/files.ts';
import { ConfigError, displayPath, resolveConfig } from '../config/load.ts';
import type { ProjectConfig } from '../config/types.ts';
import { MissingPathError } from '../discover/files.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../facts/read.ts';
import { activeFindings, postProcess, runScan, type ScanResult } from '../pipeline/scan.ts';
import { toJson } from '../report/json.ts';
import { toSarif } from '../report/sarif.ts';
import { skippedLines, summaryLine, toText } from '../report/text.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { toPosix } from '../util/paths.ts';
import { ProgressReporter } from '../util/progress.ts';
import { addPerformanceOptions, performanceSettings, type PerformanceCommandOptions } from './performance.ts';

export type OutputFormat = 'text' | 'json' | 'sarif';
export type FailOn = Level | 'none';

export interface ReportOptions {
  format: OutputFormat;
  output?: string;
  failOn: FailOn;
  category?: string;
  color: boolean;
  quiet: boolean;
}

/** Options shared by `scan` and `audit` for configuration and baselines. */
export interface PolicyOptions {
  /** `--config FILE` (string), `--no-config` (false), or neither (undefined: search). */
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
}

interface ScanCommandOptions extends ReportOptions, PolicyOptions, PerformanceCommandOptions {
  root?: string;
  maxFileSize: number;
  only?: string[];
}

/** The ids of the given files, relative to the scan root. */
export function fileIds(scan: ScanResult, files: readonly string[], cwd: string): Set<string> {
  return new Set(files.map((file) => toPosix(path.relative(scan.root, path.resolve(cwd, file)))));
}

/** Keeps the findings located in the given files; the analysis still covered the whole project. */
export function restrictToFiles(scan: ScanResult, files: readonly string[], cwd: string): ScanResult {
  const wanted = fileIds(scan, files, cwd);
  return {
    ...scan,
    findings: scan.findings.filter((finding) => wanted.has(finding.location.fileId)),
    ...(scan.files ? { files: scan.files.filter((file) => wanted.has(file)) } : {}),
  };
}

/** A problem with the configuration or a baseline: one line on stderr, exit 2. */
export class RunSetupError extends Error {}

/** The value of an option: the command line when given there, else the configuration's, else the default. */
export function setting<T>(command: Command, key: string, fromCommandLine: T, fromConfig: T | undefined): T {
  const source = command.getOptionValueSource(key);
  if (source === 'cli' || source === 'env') return fromCommandLine;
  return fromConfig === undefined ? fromCommandLine : fromConfig;
}

/** Reads the configuration that applies (`--config`, `--no-config`, or the first envrace.config.json above `start`). */
export function configFor(start: string, option: string | false | undefined): ProjectConfig | undefined {
  try {
    return resolveConfig(start, option);
  } catch (error) {
    if (error instanceof ConfigError) throw new RunSetupError(error.message);
    throw error;
  }
}

/** Report options after the configuration file: failOn and format from the file unless given on the command line. */
export function reportOptionsWithConfig<T extends ReportOptions>(command: Command, options: T, config: ProjectConfig | undefined): T {
  return {
    ...options,
    failOn: setting(command, 'failOn', options.failOn, config?.failOn),
    format: setting(command, 'format', options.format, config?.format),
  };
}

export function maxFileSizeWithConfig(command: Command, value: number, config: ProjectConfig | undefined): number {
  const fromConfig = config?.maxFileSize;
  if (fromConfig === undefined) return value;
  let bytes: number;
  try {
    bytes = typeof fromConfig === 'number' ? fromConfig : parseByteSize(fromConfig);
  } catch {
    throw new RunSetupError(`${config!.file}: /maxFileSize: must be a byte count or a size such as "4MiB"`);
  }
  return setting(command, 'maxFileSize', value, bytes);
}

/**
 * The post-processing of a finished analysis (rule levels, suppressions, baseline), then the
 * baseline written when asked. Returns what to report.
 */
export function applyPolicies(
  scan: ScanResult,
  options: PolicyOptions,
  config: ProjectConfig | undefined,
  scope?: ReadonlySet<string>,
): { scan: ScanResult; written?: { file: string; baseline: Baseline } } {
  // The configuration's baseline may not exist yet when this run is the one writing it.
  const configBaseline = config?.baseline && !(options.writeBaseline && !existsSync(config.baseline)) ? displayPath(config.baseline) : undefined;
  const baselineFile = options.baseline ?? configBaseline;
  let baseline: { file: string; baseline: Baseline } | undefined;
  try {
    if (baselineFile) baseline = { file: baselineFile, baseline: readBaseline(baselineFile) };
  } catch (error) {
    if (error instanceof BaselineError) throw new RunSetupError(error.message);
    throw error;
  }
  const processed = postProcess(scan, { rules: config?.rules, baseline, scope });
  if (!options.writeBaseline) return { scan: processed };
  let written: Baseline;
  try {
    written = writeBaseline(options.writeBaseline, processed.findings);
  } catch (error) {
    if (error instanceof BaselineError) throw new RunSetupError(error.message);
    throw error;
  }
  // Without --baseline, the run reports against what it just wrote: everything is `unchanged`.
  const reported = baseline ? processed : postProcess(scan, { rules: config?.rules, baseline: { file: options.writeBaseline, baseline: written }, scope });
  return { scan: reported, written: { file: options.writeBaseline, baseline: written } };
}

export function wroteBaselineLine(file: string, baseline: Baseline): string {
  const count = baseline.results.length;
  return `envrace: wrote baseline ${file} (${count} ${count === 1 ? 'result' : 'results'})\n`;
}

/** `--config`, `--no-config`, `--baseline`, `--write-baseline`, shared by `scan` and `audit`. */
export function addPolicyOptions(command: Command): Command {
  return command
    .option('--config <file>', 'use this configuration file instead of searching for envrace.config.json')
    .option('--no-config', 'ignore envrace.config.json files')
    .option('--baseline <file>', 'report only results that are not in this baseline (written by --write-baseline)')
    .option('--write-baseline <file>', 'record the current results in FILE (atomically), so that later runs with --baseline report only new ones');
}

const LEVEL_RANK: Record<Level, number> = { error: 3, warning: 2, note: 1 };

/** Exit code for a finished run: 1 when some finding is at or above the threshold (suppressed and baselined ones do not count). */
export function exitCodeFor(scan: ScanResult, failOn: FailOn): number {
  if (failOn === 'none') return 0;
  return activeFindings(scan).some((finding) => LEVEL_RANK[finding.level] >= LEVEL_RANK[failOn]) ? 1 : 0;
}

export function parseByteSize(value: string): number {
  const match = /^(\d+)\s*([kmg]i?b?)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a size such as 4MiB, 512KiB or 1048576');
  const unit = (match[2] ?? '').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

/** Options shared by `scan` and `audit`: how to report and when to fail. */
export function addReportOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('-o, --output <file>', 'write the report to FILE (atomically) instead of standard output')
    .addOption(
      new Option('--fail-on <level>', 'exit with 1 when a finding at or above this level exists').choices(['error', 'warning', 'note', 'none']).default('warning'),
    )
    .option('--category <id>', 'SARIF automationDetails.id prefix (GitHub code scanning category)', 'envrace')
    .option('--no-color', 'never colour the text output (also: NO_COLOR, or when stdout is not a terminal)')
    .option('-q, --quiet', 'print only the findings: no summary line, no skipped-file lines', false);
}

/** Writes the report where it was asked for, and the human summary to stderr when stdout holds something else. */
export function emitReport(scan: ScanResult, options: ReportOptions): void {
  const colorAllowed = options.color && !process.env.NO_COLOR && !options.output && Boolean(process.stdout.isTTY);
  const body =
    options.format === 'sarif'
      ? `${JSON.stringify(toSarif(scan, { category: options.category }), null, 2)}\n`
      : options.format === 'json'
        ? toJson(scan)
        : toText(scan, { color: colorAllowed, summary: !options.quiet });
  if (!options.quiet) for (const line of skippedLines(scan)) process.stderr.write(`${line}\n`);
  if (options.output) {
    writeFileAtomic(options.output, body);
    if (!options.quiet) process.stderr.write(`${summaryLine(scan)}\nenvrace: wrote ${options.format} report to ${options.output}\n`);
  } else {
    process.stdout.write(body);
    if (options.format !== 'text' && !options.quiet) process.stderr.write(`${summaryLine(scan)}\n`);
  }
}

export function registerScanCommand(program: Command, setResult: (code: number) => void): void {
  const command = program
    .command('scan')
    .summary('analyze source files for environment writes that can race with other threads')
    .description(
      'Analyze C, Rust, Python and JavaScript/TypeScript sources under PATH (default: the current directory) as one program,\n' +
        'and report environment writes (setenv, std::env::set_var, os.environ[...] =, process.env.X =) that may run while\n' +
        'another thread is alive. .gitignore is honoured; node_modules, target, .git and virtualenvs are skipped unless named.',
    )
    .argument('[paths...]', 'files or directories to analyze', ['.'])
    .option('--root <dir>', 'directory that reported paths are relative to (SARIF %SRCROOT%)', process.cwd())
    .option('--max-file-size <size>', 'skip files larger than this (with a message)', parseByteSize, DEFAULT_MAX_FILE_BYTES)
    .option(
      '--only <files...>',
      'analyze PATHs as one program but report only findings located in these files (what a pre-commit hook passes)',
    );
  addReportOptions(command);
  addPerformanceOptions(command);
  addPolicyOptions(command);
  command.addHelpText(
    'after',
    `
Configuration: the first envrace.config.json found in PATH's folder or above (include/exclude, rules,
catalog, failOn, format, maxFileSize, baseline); options given here override it. Schema: config.schema.json.
Suppress one result with a comment on its line or the line above: envrace-ignore[rule-id]: reason

Exit status:
  0  no finding at or above --fail-on     1  findings at or above --fail-on     2  usage or fatal error
  (suppressed results and results already in the --baseline do not count)

Examples:
  envrace scan                                   analyze the current directory, human-readable output
  envrace scan src lib --fail-on error           fail only on errors (races), not on warnings
  envrace scan -f sarif -o envrace.sarif         SARIF 2.1.0 for GitHub code scanning
  envrace scan -f json | jq '.findings[].file'   machine-readable findings
  envrace scan --only src/a.rs src/b.py          whole-project analysis, findings of two files only
  envrace scan --write-baseline base.json        record today's results once...
  envrace scan --baseline base.json              ...then report and fail on new ones only`,
  );
  command.action(async (paths: string[], commandOptions: ScanCommandOptions, command: Command) => {
    const progress = new ProgressReporter('analyzing');
    try {
      if (commandOptions.writeBaseline && commandOptions.only) {
        throw new RunSetupError('--write-baseline records the whole project; run it without --only');
      }
      const config = configFor(paths[0] ?? '.', commandOptions.config);
      const options = reportOptionsWithConfig(command, commandOptions, config);
      const scan = await runScan({
        root: path.resolve(options.root ?? process.cwd()),
        paths,
        maxFileBytes: maxFileSizeWithConfig(command, options.maxFileSize, config),
        extraCatalog: config?.extraCatalog,
        includeFile: config ? fileFilter(config.dir, config.include, config.exclude) : undefined,
        onProgress: options.quiet ? undefined : (done, total) => progress.update(done, total),
        ...performanceSettings(commandOptions),
      });
      progress.finish();
      const restricted = options.only ? restrictToFiles(scan, options.only, process.cwd()) : scan;
      const scope = options.only ? fileIds(scan, options.only, process.cwd()) : undefined;
      const { scan: reported, written } = applyPolicies(restricted, options, config, scope);
      emitReport(reported, options);
      if (written && !options.quiet) process.stderr.write(wroteBaselineLine(written.file, written.baseline));
      setResult(exitCodeFor(reported, options.failOn));
    } catch (error) {
      progress.finish();
      if (error instanceof MissingPathError || error instanceof RunSetupError) {
        process.stderr.write(`envrace: ${error.message}\n`);
        setResult(2);
        return;
      }
      throw error;
    }
  });
}
