import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';

/** Pins what output looks like for one example; correctness is the annotation harness's job. */
const redact = (text: string): string =>
  text.replace(/file:\/\/\/[^"]*\//g, 'file:///<root>/').replace(/"(version|semanticVersion)": "[^"]+"/g, '"$1": "<version>"').replace(/\/v\d+\.\d+\.\d+\//g, '/v<version>/');

describe('output snapshots (examples/c-system-race)', () => {
  it('text', () => {
    const run = runCli(['scan', 'examples/c-system-race']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatchSnapshot();
  });
  it('sarif', () => {
    const run = runCli(['scan', 'examples/c-system-race', '--format', 'sarif']);
    const log = JSON.parse(run.stdout) as { runs: Array<{ tool: { driver: { rules?: unknown } } }> };
    // Rule help text is pinned by the rule docs themselves; keep the snapshot about results.
    for (const r of log.runs) delete r.tool.driver.rules;
    expect(redact(JSON.stringify(log, null, 2))).toMatchSnapshot();
  });
});
