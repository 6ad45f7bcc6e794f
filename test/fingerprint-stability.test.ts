import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';

/**
 * `partialFingerprints.primaryLocationLineHash` is what GitHub code scanning and envrace baselines
 * match results on. It must survive edits that do not touch the reported line: lines inserted above
 * it, an unrelated function rewritten, while the result's line number moves.
 */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'envrace-fingerprint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const C_BEFORE = `#include <pthread.h>
#include <stdlib.h>

static int unrelated(int x) {
    return x + 1;
}

static void *idle(void *arg) { return arg; }

int main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    setenv("TZ", "UTC", 1);
    return unrelated(0);
}
`;

// Three new lines at the top, the unrelated function rewritten (two lines longer), a comment above main.
const C_AFTER = `#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unrelated(int x) {
    int doubled = x * 2;
    printf("%d\\n", doubled);
    return doubled + 1;
}

static void *idle(void *arg) { return arg; }

/* The entry point. */
int main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    setenv("TZ", "UTC", 1);
    return unrelated(0);
}
`;

const PY_BEFORE = `import os
import threading


def helper():
    return 1


def main():
    worker = threading.Thread(target=helper)
    worker.start()
    os.environ["LANG"] = "C"


if __name__ == "__main__":
    main()
`;

const PY_AFTER = `"""A module docstring added later."""
import os
import sys
import threading


def helper():
    total = sum(range(10))
    print(total, file=sys.stderr)
    return total


def main():
    worker = threading.Thread(target=helper)
    worker.start()
    os.environ["LANG"] = "C"


if __name__ == "__main__":
    main()
`;

function writeProject(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
}

interface Located {
  line: number;
  fingerprint: string;
}

/** SARIF results by `file variable`, with their line and fingerprint. */
function scanFingerprints(dir: string): Map<string, Located> {
  const run = runCli(['scan', '.', '-f', 'sarif'], { cwd: dir });
  expect(run.status, run.stderr).toBe(1);
  const log = JSON.parse(run.stdout) as Sarif.Log;
  const out = new Map<string, Located>();
  for (const result of log.runs[0]!.results!) {
    const location = result.locations![0]!.physicalLocation!;
    out.set(`${location.artifactLocation!.uri} ${String(result.properties?.variable)}`, {
      line: location.region!.startLine!,
      fingerprint: result.partialFingerprints!.primaryLocationLineHash!,
    });
  }
  return out;
}

describe('primaryLocationLineHash stability', () => {
  it('is unchanged by lines inserted above a result and by edits to an unrelated function, while the line moves', () => {
    const dir = path.join(scratch, 'edits');
    writeProject(dir, { 'main.c': C_BEFORE, 'app.py': PY_BEFORE });
    const before = scanFingerprints(dir);
    expect([...before.keys()].sort()).toEqual(['app.py LANG', 'main.c TZ']);
    expect(before.get('main.c TZ')!.line).toBe(13);
    expect(before.get('app.py LANG')!.line).toBe(12);

    writeProject(dir, { 'main.c': C_AFTER, 'app.py': PY_AFTER });
    const after = scanFingerprints(dir);
    expect(after.get('main.c TZ')).toEqual({ line: 18, fingerprint: before.get('main.c TZ')!.fingerprint });
    expect(after.get('app.py LANG')).toEqual({ line: 16, fingerprint: before.get('app.py LANG')!.fingerprint });
  });

  it('changes when the reported line itself changes (the check above is not vacuous)', () => {
    const dir = path.join(scratch, 'own-line');
    writeProject(dir, { 'main.c': C_BEFORE });
    const before = scanFingerprints(dir).get('main.c TZ')!;
    writeProject(dir, { 'main.c': C_BEFORE.replace('setenv("TZ", "UTC", 1);', 'setenv("TZ", "Europe/Paris", 1);') });
    const after = scanFingerprints(dir).get('main.c TZ')!;
    expect(after.line).toBe(before.line);
    expect(after.fingerprint).not.toBe(before.fingerprint);
  });
});
