import path from 'node:path';
import { Option, type Command } from 'commander';
import { runAudit } from '../audit/run.ts';
import type { Ecosystem } from '../audit/types.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../facts/read.ts';
import { ProgressReporter } from '../util/progress.ts';
import { addPerformanceOptions, performanceSettings, type PerformanceCommandOptions } from './performance.ts';
import { fileFilter } from '../config/files.ts';
import { discoverFiles } from '../discover/files.ts';
import type { ScanResult } from '../pipeline/scan.ts';
import {
  addPolicyOptions,
  addReportOptions,
  applyPolicies,
  configFor,
  emitReport,
  exitCodeFor,
  maxFileSizeWithConfig,
  parseByteSize,
  reportOptionsWithConfig,
  RunSetupError,
  setting,
  type PolicyOptions,
  type ReportOptions,
  wroteBaselineLine,
} from './scan.ts';
import { existsSync, statSync } from 'node:fs';

interface AuditCommandOptions extends PerformanceCommandOptions, ReportOptions, PolicyOptions {
  ecosystem?: Ecosystem[];
  python?: string;
  includeDev: boolean;
  allDeps: boolean;
  offline?: boolean;
  locked?: boolean;
  frozen?: boolean;
  features?: string;
  allFeatures?: boolean;
  defaultFeatures: boolean;
  target?: string;
  maxFileSize: number;
}

function cargoArguments(options: AuditCommandOptions): string[] {
  const args: string[] = [];
  if (options.offline) args.push('--offline');
  if (options.locked) args.push('--locked');
  if (options.frozen) args.push('--frozen');
  if (options.features) args.push('--features', options.features);
  if (options.allFeatures) args.push('--all-features');
  if (!options.defaultFeatures) args.push('--no-default-features');
  if (options.target) args.push('--filter-platform', options.target);
  return args;
}

export function registerAuditCommand(program: Command, setResult: (code: number) => void): void {
  const command = program
    .command('audit')
    .summary("analyze a project together with its Cargo, pip and npm dependencies' sources")
    .description(
      'Resolve the dependency tree of the project in DIR (default: the current directory) with the real tools\n' +
        '(cargo metadata, the Python interpreter, package-lock.json/node_modules), then analyze the project and the\n' +
        "dependencies' sources as one program. A write inside a dependency is reported at the call in your code that\n" +
        'leads there; the dependencies that can write the environment are listed after the findings.',
    )
    .argument('[dir]', 'project directory', '.')
    .addOption(new Option('--ecosystem <names...>', 'only these ecosystems (default: detected from the manifests present)').choices(['cargo', 'pip', 'npm']))
    .option('--python <path>', 'Python interpreter or virtualenv to ask (default: $VIRTUAL_ENV, ./.venv, ./venv, then python3)')
    .option('--all-deps', 'analyze every installed Python distribution, not only those the project reaches', false)
    .option('--include-dev', 'include development dependencies (npm devDependencies, Cargo dev/build dependencies)', false)
    .option('--offline', 'cargo: run without accessing the network')
    .option('--locked', 'cargo: require Cargo.lock to be up to date')
    .option('--frozen', 'cargo: --locked and --offline')
    .option('--features <list>', 'cargo: features to activate')
    .option('--all-features', 'cargo: activate all features')
    .option('--no-default-features', 'cargo: do not activate the default feature')
    .option('--target <triple>', 'cargo: analyze for this target platform instead of the host (e.g. aarch64-unknown-linux-gnu)')
    .option('--max-file-size <size>', 'skip files larger than this (with a message)', parseByteSize, DEFAULT_MAX_FILE_BYTES);
  addReportOptions(command);
  addPerformanceOptions(command);
  addPolicyOptions(command);
  command.addHelpText(
    'after',
    `
Exit status:
  0  no finding at or above --fail-on     1  findings at or above --fail-on     2  usage or fatal error
A missing tool (cargo, python3) or a malformed lockfile is reported as one line; the other ecosystems still run.
envrace.config.json (in DIR or above) supplies defaults: "audit": { includeDev, allDeps, python, ecosystems },
rules, failOn, format, baseline, exclude; options given here override it.

Examples:
  envrace audit                                 audit the project in the current directory
  envrace audit --offline -f sarif -o deps.sarif
  envrace audit --python .venv/bin/python       audit against a specific Python environment
  envrace audit --ecosystem npm --include-dev   npm only, with devDependencies`,
  );
  command.action(async (dir: string, commandOptions: AuditCommandOptions, command: Command) => {
    const absolute = path.resolve(dir);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
      process.stderr.write(`envrace: ${dir}: not a directory\n`);
      setResult(2);
      return;
    }
    const progress = new ProgressReporter('auditing');
    try {
      const config = configFor(absolute, commandOptions.config);
      const options = reportOptionsWithConfig(command, commandOptions, config);
      const auditSettings = config?.audit ?? {};
      const includeFile = config ? fileFilter(config.dir, config.include, config.exclude) : undefined;
      const audited = await runAudit({
        dir: absolute,
        includeDev: setting(command, 'includeDev', options.includeDev, auditSettings.includeDev),
        allDeps: setting(command, 'allDeps', options.allDeps, auditSettings.allDeps),
        python: setting(command, 'python', options.python, auditSettings.python),
        cargoArgs: cargoArguments(options),
        maxFileBytes: maxFileSizeWithConfig(command, options.maxFileSize, config),
        ecosystems: setting(command, 'ecosystem', options.ecosystem, auditSettings.ecosystems),
        onProgress: options.quiet ? undefined : (message) => progress.message(message),
        extraCatalog: config?.extraCatalog,
        includeFile,
        ...performanceSettings(commandOptions),
      });
      progress.finish();
      const result = withProjectFiles(audited, absolute, includeFile);
      const { scan: reported, written } = applyPolicies(result, options, config);
      emitReport(reported, options);
      if (written && !options.quiet) process.stderr.write(wroteBaselineLine(written.file, written.baseline));
      setResult(exitCodeFor(reported, options.failOn));
    } catch (error) {
      progress.finish();
      if (error instanceof RunSetupError) {
        process.stderr.write(`envrace: ${error.message}\n`);
        setResult(2);
        return;
      }
      throw error;
    }
  });
}

/**
 * The project files an audit analyzed, for suppression comments; findings in files the configuration
 * excludes are dropped (the audit's own discovery does not know about include/exclude).
 */
function withProjectFiles(scan: ScanResult, dir: string, includeFile: ((absPath: string) => boolean) | undefined): ScanResult {
  const files = discoverFiles(dir, [dir]).files.filter((file) => !includeFile || includeFile(file.absPath));
  return {
    ...scan,
    files: files.map((file) => file.id),
    findings: includeFile ? scan.findings.filter((finding) => includeFile(path.resolve(dir, finding.location.fileId))) : scan.findings,
  };
}
