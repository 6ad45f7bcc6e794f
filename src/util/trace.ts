/**
 * `ENVRACE_TRACE=1`: one stderr line per phase of a run, with the time since the process started
 * (`envrace: trace 1.07s text pass: 69 of 1797 files are seeds`). For finding where a slow scan
 * spends its time; reports never contain it.
 */
const enabled = Boolean(process.env.ENVRACE_TRACE);

export function trace(message: () => string): void {
  if (enabled) process.stderr.write(`envrace: trace ${(performance.now() / 1000).toFixed(2)}s ${message()}\n`);
}
