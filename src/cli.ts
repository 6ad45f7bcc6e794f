import { Command, CommanderError } from 'commander';
import { registerAuditCommand } from './commands/audit.ts';
import { registerRulesCommands } from './commands/rules.ts';
import { registerScanCommand } from './commands/scan.ts';
import { registerReproCommand } from './commands/repro.ts';
import { ENVRACE_VERSION } from './version.ts';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Builds the command tree; each subcommand registers itself and reports its exit code through `setResult`. */
export function buildProgram(setResult: (code: number) => void): Command {
  const program = new Command();
  program
    .name('envrace')
    .description('Find environment mutation (setenv, set_var, os.environ[...] =, process.env.X =) reachable after a thread spawn.')
    .version(ENVRACE_VERSION, '-V, --version')
    .showHelpAfterError('(run envrace --help for usage)')
    .exitOverride();
  registerScanCommand(program, setResult);
  registerAuditCommand(program, setResult);
  registerRulesCommands(program, setResult);
  registerReproCommand(program, setResult);
  program.addHelpText(
    'after',
    `
Examples:
  envrace scan                        analyze the sources under the current directory
  envrace scan -f sarif -o out.sarif  SARIF 2.1.0 for GitHub code scanning
  envrace audit                       the project and its Cargo/pip/npm dependencies
  envrace explain env-mutation-after-thread-spawn

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or fatal error.
Environment: XDG_CACHE_HOME (where the caches live), NO_COLOR, ENVRACE_TRACE=1 (print
each phase of a run with its time and memory, to see where a slow scan spends them).
Run 'envrace <command> --help' for a command's options.`,
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => {
    code = c;
  });
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    process.stderr.write(`envrace: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  return code;
}
