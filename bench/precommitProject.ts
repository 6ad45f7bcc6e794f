/**
 * The project of the benchmark's pre-commit row: 10,000 source files of ordinary code, written
 * deterministically (same seed, same bytes) — 4,000 Python, 3,000 TypeScript/JavaScript, 2,000 Rust
 * in a Cargo crate, 1,000 C/headers, a few KB each, functions calling each other across modules.
 * About 1% of the files start threads or write the environment; four of those writes race with a
 * thread (one per language), so a full scan has findings.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface GeneratedProject {
  files: number;
  /** Ordinary files (nothing about threads or the environment), one per language, for the edit a commit makes. */
  ordinary: string[];
}

/** mulberry32: a small seeded generator, so that every run writes the same project. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['load', 'parse', 'compute', 'format', 'validate', 'merge', 'update', 'render', 'collect', 'resolve', 'encode', 'decode', 'normalize', 'build', 'apply', 'check', 'filter', 'convert', 'store', 'fetch'];
const NOUNS = ['record', 'order', 'invoice', 'account', 'summary', 'label', 'total', 'entry', 'batch', 'report', 'payload', 'header', 'item', 'ledger', 'quote', 'profile', 'segment', 'window', 'bucket', 'token', 'range', 'price', 'note', 'path', 'chunk'];

/** Names a module defines: half shared across the project (as real code repeats `load_record`), half its own. */
function functionNames(next: () => number, id: number, count: number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const verb = VERBS[Math.floor(next() * VERBS.length)]!;
    const noun = NOUNS[Math.floor(next() * NOUNS.length)]!;
    names.add(names.size % 2 === 0 ? `${verb}_${noun}` : `${verb}_${noun}_${id}`);
  }
  return [...names];
}

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const FUNCTIONS_PER_FILE = 8;

interface Module {
  id: number;
  names: string[];
}

function writeFile(root: string, relative: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), text);
}

// ---------------------------------------------------------------- Python: app/pkg_NN/mod_MMM.py

function pythonModule(module: Module, imports: Array<{ pkg: string; mod: string; names: string[] }>, next: () => number): string {
  const lines = [`"""Module ${module.id}: helpers for the order pipeline (generated for the envrace benchmark)."""`, 'from __future__ import annotations', '', 'import json', 'import logging', 'from dataclasses import dataclass, field', ''];
  for (const target of imports) lines.push(`from app.${target.pkg} import ${target.mod}`);
  lines.push('', 'log = logging.getLogger(__name__)', '');
  module.names.forEach((name, index) => {
    const local = module.names[(index + 1) % module.names.length]!;
    const target = imports[index % imports.length]!;
    const remote = target.names[Math.floor(next() * target.names.length)]!;
    lines.push(
      '',
      `def ${name}(values: list[int], scale: int = ${index + 2}) -> dict[str, int]:`,
      `    """Scales the values and folds them into a summary (step ${index})."""`,
      '    summary: dict[str, int] = {"count": 0, "total": 0}',
      '    for position, value in enumerate(values):',
      '        if value < 0:',
      '            log.debug("skipping negative value at %d", position)',
      '            continue',
      `        summary["total"] += value * scale + ${Math.floor(next() * 97)}`,
      '        summary["count"] += 1',
      index < module.names.length - 1 ? `    if summary["count"] > ${3 + index}:` : '    if summary["count"] > 1000:',
      index < module.names.length - 1 ? `        summary.update(${local}(values[:-1], scale + 1))` : '        summary["total"] = 0',
      `    summary["remote"] = len(${target.mod}.${remote}([summary["total"]], 1))`,
      '    return summary',
      '',
    );
  });
  lines.push(
    '',
    '@dataclass',
    `class Batch${module.id}:`,
    '    key: str',
    '    values: list[int] = field(default_factory=list)',
    '',
    '    def summarize(self) -> str:',
    `        return json.dumps(${module.names[0]}(self.values))`,
    '',
    '    def add(self, value: int) -> None:',
    '        self.values.append(value)',
    '',
  );
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------- TypeScript / JavaScript: web/src/feature_NN/file_MMM

function scriptModule(module: Module, typed: boolean, imports: Array<{ specifier: string; names: string[] }>, next: () => number): string {
  const t = (annotation: string): string => (typed ? annotation : '');
  const lines = [`// Feature module ${module.id}: view helpers for the order pages (generated for the envrace benchmark).`];
  for (const target of imports) lines.push(`import { ${target.names.map(camel).join(', ')} } from '${target.specifier}';`);
  lines.push('');
  if (typed) lines.push(`export interface Row${module.id} {`, '  key: string;', '  amount: number;', '  tags: string[];', '}', '');
  module.names.forEach((name, index) => {
    const local = camel(module.names[(index + 1) % module.names.length]!);
    const target = imports[index % imports.length]!;
    const remote = camel(target.names[index % target.names.length]!);
    lines.push(
      `export function ${camel(name)}(rows${t(`: Row${module.id}[]`)}, limit${t(': number')} = ${index + 5})${t(': number')} {`,
      '  let total = 0;',
      '  for (const row of rows) {',
      `    if (row.amount > ${Math.floor(next() * 500)}) total += row.amount * 2;`,
      "    else if (row.tags.includes('skip')) continue;",
      '    else total += row.amount;',
      '  }',
      index < module.names.length - 1 ? `  if (total > limit * ${index + 3}) total += ${local}(rows.slice(1), limit + 1);` : '  if (total > 1e9) total = 0;',
      `  return total + ${remote}([], 0) * 0;`,
      '}',
      '',
    );
  });
  lines.push(
    `export class Table${module.id} {`,
    `  private readonly rows${t(`: Row${module.id}[]`)} = [];`,
    `  add(row${t(`: Row${module.id}`)})${t(': void')} {`,
    '    this.rows.push(row);',
    '  }',
    `  total()${t(': number')} {`,
    `    return ${camel(module.names[0]!)}(this.rows);`,
    '  }',
    '}',
    '',
  );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------- Rust: engine/src/group_NN/file_MMM.rs

function rustModule(module: Module, imports: Array<{ path: string; names: string[] }>, next: () => number): string {
  const lines = [`//! Module ${module.id}: ledger arithmetic (generated for the envrace benchmark).`, 'use std::collections::HashMap;', ''];
  lines.push(`#[derive(Debug, Default, Clone)]`, `pub struct Ledger${module.id} {`, '    pub entries: Vec<i64>,', '    pub labels: HashMap<String, usize>,', '}', '');
  module.names.forEach((name, index) => {
    const local = module.names[(index + 1) % module.names.length]!;
    const target = imports[index % imports.length]!;
    const remote = target.names[index % target.names.length]!;
    lines.push(
      `pub fn ${name}(entries: &[i64], scale: i64) -> i64 {`,
      '    let mut total = 0i64;',
      '    for (position, value) in entries.iter().enumerate() {',
      `        if *value < ${Math.floor(next() * 50)} {`,
      '            continue;',
      '        }',
      '        total += value * scale + position as i64;',
      '    }',
      index < module.names.length - 1 ? `    if total > ${1000 + index} && entries.len() > 1 {` : '    if total > i64::MAX / 4 {',
      index < module.names.length - 1 ? `        total += ${local}(&entries[1..], scale + 1);` : '        total = 0;',
      '    }',
      `    total + ${target.path}::${remote}(&[], 0)`,
      '}',
      '',
    );
  });
  lines.push(
    `impl Ledger${module.id} {`,
    '    pub fn total(&self) -> i64 {',
    `        ${module.names[0]}(&self.entries, 1)`,
    '    }',
    '',
    '    pub fn label(&mut self, name: &str) -> usize {',
    '        let next = self.labels.len();',
    '        *self.labels.entry(name.to_string()).or_insert(next)',
    '    }',
    '}',
    '',
  );
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------------------ C: native/src, native/include

function cHeader(module: Module): string {
  const guard = `UNIT_${module.id}_H`;
  return [
    `/* Unit ${module.id}: buffer arithmetic (generated for the envrace benchmark). */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include <stddef.h>',
    '',
    `struct unit${module.id}_buffer {`,
    '    long *values;',
    '    size_t length;',
    '};',
    '',
    ...module.names.map((name) => `long ${name}(const long *values, size_t length, long scale);`),
    '',
    `#endif /* ${guard} */`,
    '',
  ].join('\n');
}

function cSource(module: Module, imports: Array<{ header: string; names: string[] }>, next: () => number): string {
  const lines = [`/* Unit ${module.id}: buffer arithmetic (generated for the envrace benchmark). */`, '#include <stdio.h>', '#include <string.h>', `#include "unit_${module.id}.h"`];
  for (const target of imports) lines.push(`#include "${target.header}"`);
  lines.push('');
  module.names.forEach((name, index) => {
    const local = module.names[(index + 1) % module.names.length]!;
    const target = imports[index % imports.length]!;
    const remote = target.names[index % target.names.length]!;
    lines.push(
      `long ${name}(const long *values, size_t length, long scale) {`,
      '    long total = 0;',
      '    for (size_t i = 0; i < length; i++) {',
      `        if (values[i] < ${Math.floor(next() * 40)}) continue;`,
      '        total += values[i] * scale + (long)i;',
      '    }',
      index < module.names.length - 1 ? `    if (total > ${2000 + index} && length > 1) total += ${local}(values + 1, length - 1, scale + 1);` : '    if (total < 0) total = 0;',
      `    return total + ${remote}(NULL, 0, 0);`,
      '}',
      '',
    );
  });
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------------- Files about threads and the environment

/** Python: a thread started, then a write in another module (the race); elsewhere writes before any thread. */
const PYTHON_RACE = {
  'app/service/runner.py': `"""Starts the refresh thread, then applies the settings module's overrides."""
import threading

from app.service import overrides


def refresh_forever():
    while True:
        overrides.read_override("APP_REFRESH")


def start_service():
    worker = threading.Thread(target=refresh_forever, daemon=True)
    worker.start()
    overrides.apply_overrides({"APP_MODE": "fast"})
`,
  'app/service/overrides.py': `"""Environment overrides for the service."""
import os


def read_override(name):
    return os.environ.get(name)


def apply_overrides(values):
    for key, value in values.items():
        os.environ[key] = value
`,
};

function pythonEnvFile(index: number): string {
  return `"""Configuration bootstrap ${index}: runs before the service starts any thread."""
import os


def configure_${index}(profile: str) -> None:
    os.environ.setdefault("APP_PROFILE_${index}", profile)


def current_${index}() -> str:
    return os.environ.get("APP_PROFILE_${index}", "default")
`;
}

function pythonThreadFile(index: number): string {
  return `"""Background job ${index}: a thread pool that is joined before returning."""
from concurrent.futures import ThreadPoolExecutor


def square_${index}(value: int) -> int:
    return value * value


def run_jobs_${index}(values: list[int]) -> list[int]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(square_${index}, values))
`;
}

const SCRIPT_RACE = {
  'web/src/service/server.js': `// The web server: it resolves host names on the libuv threadpool, then a handler writes process.env.
import http from 'node:http';
import { lookup } from 'node:dns';
import { applyTimezone } from './timezone.js';

export function startServer(port) {
  lookup('localhost', () => {});
  http.createServer((request, response) => {
    applyTimezone(request.headers['x-timezone']);
    response.end('ok');
  }).listen(port);
}
`,
  'web/src/service/timezone.js': `// Per-request timezone.
export function applyTimezone(zone) {
  if (zone) process.env.TZ = zone;
}
`,
};

function scriptEnvFile(index: number, typed: boolean): string {
  return `// Build-time configuration ${index}.
export function readSetting${index}(name${typed ? ': string' : ''}) {
  return process.env[name] ?? 'unset';
}

export function defaultSetting${index}() {
  process.env.BUILD_FLAVOR_${index} ??= 'release';
}
`;
}

const RUST_RACE = {
  'engine/src/service.rs': `//! The engine's background flusher, and the configuration it reads.
use std::env;
use std::thread;

pub fn flush_forever() {
    loop {
        let _ = env::var("ENGINE_FLUSH");
    }
}

pub fn start_engine() {
    let flusher = thread::spawn(flush_forever);
    configure_engine();
    let _ = flusher;
}

fn configure_engine() {
    env::set_var("ENGINE_MODE", "fast");
}
`,
};

function rustThreadFile(index: number): string {
  return `//! Parallel checksum ${index}: scoped threads, all joined before returning.
use std::thread;

pub fn checksum_${index}(chunks: &[Vec<u8>]) -> u64 {
    thread::scope(|scope| {
        let handles: Vec<_> = chunks.iter().map(|chunk| scope.spawn(move || chunk.iter().map(|b| *b as u64).sum::<u64>())).collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).sum()
    })
}
`;
}

const C_RACE = {
  'native/src/daemon.c': `/* The daemon: a reporter thread runs system() while the main loop updates the environment. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *report_loop(void *arg) {
    (void)arg;
    for (;;) system("true");
    return NULL;
}

int daemon_main(void) {
    pthread_t reporter;
    pthread_create(&reporter, NULL, report_loop, NULL);
    setenv("DAEMON_STATE", "running", 1);
    return 0;
}
`,
};

function cEnvFile(index: number): string {
  return `/* Startup configuration ${index}: runs before any thread exists. */
#include <stdlib.h>

void configure_unit_${index}(const char *profile) {
    setenv("UNIT_PROFILE_${index}", profile, 0);
}
`;
}

/** Writes the project into `root` (an empty folder). */
export function writePrecommitProject(root: string): GeneratedProject {
  const next = random(10_000);
  let files = 0;
  const write = (relative: string, text: string): void => {
    writeFile(root, relative, text);
    files += 1;
  };
  const special = (group: Record<string, string>): void => Object.entries(group).forEach(([file, text]) => write(file, text));
  const ordinary: string[] = [];
  let id = 0;
  const modules = (count: number): Module[] => Array.from({ length: count }, () => ({ id: ++id, names: functionNames(next, id, FUNCTIONS_PER_FILE) }));
  const pick = <T>(items: readonly T[], self: number): T => items[(self + 1 + Math.floor(next() * (items.length - 1))) % items.length]!;

  // Python: 4,000 files = 40 packages x (__init__.py + 98 modules) + 40 others (threads, the environment, packages).
  special(PYTHON_RACE);
  for (const pkg of ['', '/service', '/config', '/jobs']) write(`app${pkg}/__init__.py`, `"""The app${pkg.replace('/', '.')} package."""\n`);
  for (let i = 0; i < 18; i++) write(`app/config/env_${i}.py`, pythonEnvFile(i));
  for (let i = 0; i < 16; i++) write(`app/jobs/pool_${i}.py`, pythonThreadFile(i));
  const python = modules(40 * 98);
  python.forEach((module, index) => {
    const imports = [0, 1, 2].map(() => {
      const target = pick(python, index);
      const targetIndex = python.indexOf(target);
      return { pkg: `pkg_${String(Math.floor(targetIndex / 98)).padStart(2, '0')}`, mod: `mod_${String(targetIndex % 98).padStart(3, '0')}`, names: target.names };
    });
    write(`app/pkg_${String(Math.floor(index / 98)).padStart(2, '0')}/mod_${String(index % 98).padStart(3, '0')}.py`, pythonModule(module, imports, next));
  });
  for (let p = 0; p < 40; p++) write(`app/pkg_${String(p).padStart(2, '0')}/__init__.py`, `"""Package ${p}."""\n`);
  ordinary.push('app/pkg_17/mod_042.py');

  // TypeScript and JavaScript: 3,000 files = 2,970 modules (alternately .ts and .js) + 30 thread/environment files.
  special(SCRIPT_RACE);
  for (let i = 0; i < 28; i++) write(`web/src/config/setting_${i}.${i % 2 ? 'js' : 'ts'}`, scriptEnvFile(i, i % 2 === 0));
  const scripts = modules(2970);
  const scriptPath = (index: number): string => `feature_${String(Math.floor(index / 99)).padStart(2, '0')}/file_${String(index % 99).padStart(3, '0')}.${index % 2 ? 'js' : 'ts'}`;
  scripts.forEach((module, index) => {
    const imports = [0, 1].map(() => {
      const target = pick(scripts, index);
      return { specifier: `../${scriptPath(scripts.indexOf(target)).replace(/\.ts$/, '.js')}`, names: target.names.slice(0, 4) };
    });
    write(`web/src/${scriptPath(index)}`, scriptModule(module, index % 2 === 0, imports, next));
  });
  ordinary.push(`web/src/${scriptPath(1234)}`);

  // Rust: 2,000 files in one crate = lib.rs, service.rs, 18 thread files, 20 groups x (mod.rs + 98 files).
  const rust = modules(20 * 98);
  const rustPath = (index: number): string => `group_${String(Math.floor(index / 98)).padStart(2, '0')}::file_${String(index % 98).padStart(3, '0')}`;
  writeFileSync(path.join(root, 'Cargo.toml'), '[workspace]\nmembers = ["engine"]\nresolver = "2"\n');
  writeFile(root, 'engine/Cargo.toml', '[package]\nname = "engine"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n');
  write(
    'engine/src/lib.rs',
    ['//! The engine crate.', 'pub mod service;', 'pub mod parallel;', ...Array.from({ length: 20 }, (_, g) => `pub mod group_${String(g).padStart(2, '0')};`), ''].join('\n'),
  );
  special(RUST_RACE);
  // parallel/ holds the scoped-thread files; its mod.rs counts among the 2,000.
  write('engine/src/parallel/mod.rs', `${Array.from({ length: 17 }, (_, i) => `pub mod checksum_${i};`).join('\n')}\n`);
  for (let i = 0; i < 17; i++) write(`engine/src/parallel/checksum_${i}.rs`, rustThreadFile(i));
  for (let g = 0; g < 20; g++) {
    write(`engine/src/group_${String(g).padStart(2, '0')}/mod.rs`, `${Array.from({ length: 98 }, (_, f) => `pub mod file_${String(f).padStart(3, '0')};`).join('\n')}\n`);
  }
  rust.forEach((module, index) => {
    const imports = [0, 1].map(() => {
      const target = pick(rust, index);
      return { path: `crate::${rustPath(rust.indexOf(target))}`, names: target.names };
    });
    write(`engine/src/${rustPath(index).replace('::', '/')}.rs`, rustModule(module, imports, next));
  });
  ordinary.push('engine/src/group_07/file_033.rs');

  // C: 1,000 files = 495 units (.c + .h) + daemon.c + 9 startup files.
  special(C_RACE);
  for (let i = 0; i < 9; i++) write(`native/src/startup_${i}.c`, cEnvFile(i));
  const units = modules(495);
  units.forEach((module, index) => {
    const imports = [0, 1].map(() => {
      const target = pick(units, index);
      return { header: `unit_${target.id}.h`, names: target.names };
    });
    write(`native/include/unit_${module.id}.h`, cHeader(module));
    write(`native/src/unit_${module.id}.c`, cSource(module, imports, next));
  });
  ordinary.push(`native/src/unit_${units[200]!.id}.c`);

  return { files, ordinary };
}

/** The edit a commit makes: one more ordinary function at the end of `file` (relative to `root`), different for every `n`. */
export function appendFunction(root: string, file: string, n: number): void {
  const extension = path.extname(file);
  const text =
    extension === '.py'
      ? `\n\ndef bench_edit_${n}(value: int) -> int:\n    return value * 2 + ${n}\n`
      : extension === '.rs'
        ? `\npub fn bench_edit_${n}(value: i64) -> i64 {\n    value * 2 + ${n}\n}\n`
        : extension === '.c'
          ? `\nlong bench_edit_${n}(long value) {\n    return value * 2 + ${n};\n}\n`
          : `\nexport function benchEdit${n}(value) {\n  return value * 2 + ${n};\n}\n`;
  appendFileSync(path.join(root, file), text);
}
