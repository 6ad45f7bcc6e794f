import path from 'node:path';
import { Option, type Command } from 'commander';
import { runAudit } from '../audit/run.ts';
import type { Ecosystem } from '../audit/types.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../facts/read.ts';
import { ProgressReporter } from '../util/progress.ts';
import { addReportOptions, emitReport, exitCodeFor, parseByteSize, type ReportOptions } from './scan.ts';
import { existsSync, statSync } from 'node:fs';

interface AuditCommandOptions extends ReportOptions {
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
  command.addHelpText(
    'after',
    `
Exit status:
  0  no finding at or above --fail-on     1  findings at or above --fail-on     2  usage or fatal error
A missing tool (cargo, python3) or a malformed lockfile is reported as one line; the other ecosystems still run.

Examples:
  envrace audit                                 audit the project in the current directory
  envrace audit --offline -f sarif -o deps.sarif
  envrace audit --python .venv/bin/python       audit against a specific Python environment
  envrace audit --ecosystem npm --include-dev   npm only, with devDependencies`,
  );
  command.action(async (dir: string, options: AuditCommandOptions) => {
    const absolute = path.resolve(dir);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
      process.stderr.write(`envrace: ${dir}: not a directory\n`);
      setResult(2);
      return;
    }
    const progress = new ProgressReporter('auditing');
    const result = await runAudit({
      dir: absolute,
      includeDev: options.includeDev,
      allDeps: options.allDeps,
      python: options.python,
      cargoArgs: cargoArguments(options),
      maxFileBytes: options.maxFileSize,
      ecosystems: options.ecosystem,
      onProgress: options.quiet ? undefined : (message) => progress.message(message),
    });
    progress.finish();
    emitReport(result, options);
    setResult(exitCodeFor(result, options.failOn));
  });
}
