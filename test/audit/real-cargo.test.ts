import { readFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { auditPrerequisiteMissing } from '../support/annotations.ts';
import { repoRoot, runCli } from '../support/cli.ts';

/**
 * The EdgeDB path on real crates: Debian's reqwest 0.11.13 → native-tls 0.2.11 → openssl-probe 0.1.2,
 * resolved by the real `cargo metadata` against /usr/share/cargo/registry (a directory source).
 */
const example = path.join(repoRoot, 'examples/audit-edgedb-cargo');
const missing = auditPrerequisiteMissing(example);
if (missing) console.warn(`SKIPPED real Cargo audit: ${missing}`);

describe.skipIf(missing !== undefined)('envrace audit on the EdgeDB-shaped Cargo project', () => {
  it('reports reqwest::Client::new() under #[tokio::main], with a flow into openssl-probe line 50', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'envrace-cargo-')), 'audit.sarif');
    const run = runCli(['audit', example, '--offline', '--format', 'sarif', '--output', out]);
    expect(run.status, run.stderr).toBe(1);
    const log = JSON.parse(readFileSync(out, 'utf8')) as Sarif.Log;
    const [result, ...others] = log.runs[0]!.results!;
    expect(others).toEqual([]);
    expect(result!.ruleId).toBe('env-mutation-after-thread-spawn');
    expect(result!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('src/main.rs');
    expect(result!.locations![0]!.physicalLocation!.region!.startLine).toBe(10);
    expect(result!.message.text).toMatch(/edgedb-shaped → reqwest 0\.11\.13 → native-tls 0\.2\.11/);
    const flow = result!.codeFlows![0]!.threadFlows[0]!.locations.map((step) => step.location!.physicalLocation!);
    const last = flow[flow.length - 1]!;
    expect(last.artifactLocation!.uri).toBe('file:///usr/share/cargo/registry/openssl-probe-0.1.2/src/lib.rs');
    expect(last.region!.startLine).toBe(50);
    expect(flow.some((step) => step.artifactLocation!.uri!.includes('native-tls-0.2.11/src/imp/openssl.rs'))).toBe(true);
    const dependencies = log.runs[0]!.properties!.dependencies as Array<{ name: string; reachedAfterSpawn: boolean; paths: string[] }>;
    const probe = dependencies.find((dep) => dep.name === 'openssl-probe')!;
    expect(probe.paths).toContain('edgedb-shaped → reqwest 0.11.13 → native-tls 0.2.11 → openssl-probe 0.1.2');
  });
});
