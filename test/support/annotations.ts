import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { languageForPath } from '../../src/languages/extensions.ts';

export type AnnotationKind = 'ruleid' | 'ok' | 'todoruleid' | 'todook';

export interface Annotation {
  kind: AnnotationKind;
  ruleId: string;
  /** POSIX path relative to the repository root. */
  file: string;
  /** 1-based line the annotation is about (the next line that is not itself an annotation). */
  line: number;
  /** 1-based line of the comment, for messages. */
  commentLine: number;
}

const ANNOTATION = /(?:\/\/|#|\/\*|\*)\s*(todoruleid|todook|ruleid|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;

/** Inline expectations of one source file, in the language's own comments. */
export function annotationsOf(absFile: string, repoRoot: string): Annotation[] {
  const lines = readFileSync(absFile, 'utf8').split(/\r?\n/);
  const file = path.relative(repoRoot, absFile).split(path.sep).join('/');
  const found: Annotation[] = [];
  let pending: Array<Omit<Annotation, 'line'>> = [];
  lines.forEach((text, index) => {
    const match = ANNOTATION.exec(text);
    const onlyComment = match !== null && text.trimStart().match(/^(\/\/|#|\/\*|\*)/) !== null;
    if (match) {
      for (const ruleId of match[2]!.split(/\s*,\s*/)) pending.push({ kind: match[1] as AnnotationKind, ruleId, file, commentLine: index + 1 });
    }
    if (onlyComment) return;
    if (match) {
      // A trailing annotation (`code; // ok: rule`) is about its own line.
      found.push(...pending.map((p) => ({ ...p, line: index + 1 })));
      pending = [];
      return;
    }
    if (pending.length > 0 && text.trim() !== '') {
      found.push(...pending.map((p) => ({ ...p, line: index + 1 })));
      pending = [];
    }
  });
  return found;
}

/** Source files below a case (a file, or a directory walked without dependency folders). */
export function sourceFilesOf(casePath: string): string[] {
  if (statSync(casePath).isFile()) return languageForPath(casePath) ? [casePath] : [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'target', '.git', '__pycache__'].includes(entry.name)) walk(child);
      } else if (entry.isFile() && languageForPath(child)) {
        out.push(child);
      }
    }
  };
  walk(casePath);
  return out;
}

/** Each top-level entry of a fixture folder is one independent project. */
export function casesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => !name.startsWith('.') && name !== 'README.md')
      .sort()
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

/**
 * Why an `audit-*` example cannot run here (undefined when it can): the tools and the real
 * dependency sources it names must be installed (.ci/run installs them).
 */
export function auditPrerequisiteMissing(casePath: string): string | undefined {
  if (existsSync(path.join(casePath, 'Cargo.toml'))) {
    if (spawnSync('cargo', ['--version']).error) return 'cargo is not installed';
    const config = path.join(casePath, '.cargo/config.toml');
    const directory = existsSync(config) ? /directory\s*=\s*"([^"]+)"/.exec(readFileSync(config, 'utf8'))?.[1] : undefined;
    if (directory && !existsSync(path.join(directory, 'openssl-probe-0.1.2'))) {
      return `${directory} lacks the Debian crate sources (apt-get install librust-reqwest-dev librust-native-tls-dev librust-openssl-probe-dev librust-tokio-dev)`;
    }
  }
  return undefined;
}
