import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Level } from '../analyze/finding.ts';
import { MissingPathError } from '../discover/files.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../facts/read.ts';
import { runScan, type ScanResult } from '../pipeline/scan.ts';
import { toJson } from '../report/json.ts';
import { toSarif } from '../report/sarif.ts';
import { skippedLines, summaryLine, toText } from '../report/text.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { toPosix } from '../util/paths.ts';
import { ProgressReporter } from '../util/progress.ts';

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

interface ScanCommandOptions extends ReportOptions {
  root?: string;
  maxFileSize: number;
  only?: string[];
}

/** Keeps the findings located in the given files; the analysis still covered the whole project. */
export function restrictToFiles(scan: ScanResult, files: readonly string[], cwd: string): ScanResult {
  const wanted = new Set(files.map((file) => toPosix(path.relative(scan.root, path.resolve(cwd, file)))));
  return { ...scan, findings: scan.findings.filter((finding) => wanted.has(finding.location.fileId)) };
}

const LEVEL_RANK: Record<Level, number> = { error: 3, warning: 2, note: 1 };

/** Exit code for a finished run: 1 when some finding is at or above the threshold. */
export function exitCodeFor(scan: ScanResult, failOn: FailOn): number {
  if (failOn === 'none') return 0;
  return scan.findings.some((finding) => LEVEL_RANK[finding.level] >= LEVEL_RANK[failOn]) ? 1 : 0;
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
  command.addHelpText(
    'after',
    `
Exit status:
  0  no finding at or above --fail-on     1  findings at or above --fail-on     2  usage or fatal error

Examples:
  envrace scan                                   analyze the current directory, human-readable output
  envrace scan src lib --fail-on error           fail only on errors (races), not on warnings
  envrace scan -f sarif -o envrace.sarif         SARIF 2.1.0 for GitHub code scanning
  envrace scan -f json | jq '.findings[].file'   machine-readable findings
  envrace scan --only src/a.rs src/b.py          whole-project analysis, findings of two files only`,
  );
  command.action(async (paths: string[], options: ScanCommandOptions) => {
    const progress = new ProgressReporter('analyzing');
    try {
      const scan = await runScan({
        root: path.resolve(options.root ?? process.cwd()),
        paths,
        maxFileBytes: options.maxFileSize,
        onProgress: options.quiet ? undefined : (done, total) => progress.update(done, total),
      });
      progress.finish();
      const reported = options.only ? restrictToFiles(scan, options.only, process.cwd()) : scan;
      emitReport(reported, options);
      setResult(exitCodeFor(reported, options.failOn));
    } catch (error) {
      progress.finish();
      if (error instanceof MissingPathError) {
        process.stderr.write(`envrace: ${error.message}\n`);
        setResult(2);
        return;
      }
      throw error;
    }
  });
}
