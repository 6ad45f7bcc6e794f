import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const hasCargo = !spawnSync('cargo', ['--version']).error;
if (!hasCargo) console.warn('SKIPPED Cargo audit tests that need cargo: install Rust (rustup, or apt-get install cargo)');

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
}

/** An app crate whose path dependency sets the environment from a public function. */
function pathDependencyProject(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-cargo-'));
  write(root, {
    'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nprobe = { path = "probe", package = "cert-probe" }\n',
    'src/main.rs': 'use std::thread;\n\nfn main() {\n    let worker = thread::spawn(|| std::env::var("HOME").ok());\n    probe::init();\n    let _ = worker.join();\n}\n',
    'probe/Cargo.toml': '[package]\nname = "cert-probe"\nversion = "0.3.0"\nedition = "2018"\n',
    'probe/src/lib.rs': 'use std::env;\n\npub fn init() {\n    put("SSL_CERT_FILE", "/etc/ssl/cert.pem");\n}\n\nfn put(name: &str, value: &str) {\n    env::set_var(name, value);\n}\n',
  });
  return root;
}

describe('envrace audit with Cargo', () => {
  it.skipIf(!hasCargo)('follows a renamed path dependency and reports the call in the project', () => {
    const root = pathDependencyProject();
    const run = runCli(['audit', root, '--offline', '-f', 'json']);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as {
      findings: Array<{ file: string; line: number; ruleId: string; message: string }>;
      dependencies: Array<{ name: string; version: string; paths: string[]; publicFunctions: string[]; reachedAfterSpawn: boolean }>;
    };
    expect(report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['env-mutation-after-thread-spawn src/main.rs:5']);
    expect(report.findings[0]!.message).toMatch(/^This call leads into app → cert-probe 0\.3\.0, where std::env::set_var writes/);
    expect(report.dependencies).toEqual([
      expect.objectContaining({ name: 'cert-probe', version: '0.3.0', paths: ['app → cert-probe 0.3.0'], publicFunctions: ['init'], reachedAfterSpawn: true }),
    ]);
  });

  it.skipIf(!hasCargo)("shows cargo's own message when cargo metadata fails, and still analyzes the project", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-cargo-bad-'));
    write(root, {
      'Cargo.toml': '[package]\nname = "broken"\nversion = "0.1.0"\n\n[dependencies]\nnot-a-real-crate-envrace = "99"\n',
      'src/main.rs': 'fn main() {\n    std::thread::spawn(|| ());\n    std::env::set_var("A", "1");\n}\n',
    });
    const run = runCli(['audit', root, '--offline']);
    expect(run.stderr).toMatch(/^envrace: skipped Cargo\.toml: cargo metadata failed \(exit \d+\): .*not-a-real-crate-envrace/m);
    expect(run.stdout).toMatch(/src\/main\.rs:3:5: error env-mutation-after-thread-spawn/);
    expect(run.status).toBe(1);
  });

  it('says that cargo is missing in one line, and the other ecosystems still run', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-no-cargo-'));
    write(root, {
      'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n',
      'package.json': '{ "name": "web", "version": "1.0.0" }\n',
      'server.js': "const http = require('http');\nhttp.createServer(() => { process.env.TZ = 'UTC'; }).listen(8080, '127.0.0.1');\n",
    });
    // A PATH with node only: no cargo, no rustc.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'envrace-path-'));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const run = runCli(['audit', root], { env: { PATH: bin } });
    expect(run.stderr).toMatch(/^envrace: skipped Cargo\.toml: cargo not found on PATH: install Rust/m);
    expect(run.stdout).toMatch(/server\.js:2:27: error env-mutation-after-thread-spawn/);
    expect(run.stdout).toMatch(/via cargo, npm/);
    expect(run.status).toBe(1);
  });
});
