import type { Span } from '../facts/types.ts';

export type RuleId = 'env-mutation-after-thread-spawn' | 'env-mutating-public-api' | 'libc-symbol-interposition' | 'invalid-suppression';
export type Level = 'error' | 'warning' | 'note';

export interface SourceLocation {
  fileId: string;
  span: Span;
}

/** One step of a witness: something a thread does, at a place, in a function. */
export interface Step extends SourceLocation {
  kind: 'spawn' | 'runtime' | 'call' | 'defer' | 'write' | 'read' | 'exec' | 'entry';
  /** Sentence fragment: `spawns a thread (std::thread::spawn)`, `calls init()`. */
  message: string;
  /** Qualified name of the function the step is in. */
  functionName: string;
}

export interface ThreadTrace {
  /** `main thread`, `thread spawned at src/main.rs:12:5`, `tokio runtime workers`. */
  label: string;
  steps: Step[];
}

export interface RelatedLocation extends SourceLocation {
  message: string;
}

export interface Finding {
  ruleId: RuleId;
  level: Level;
  location: SourceLocation;
  message: string;
  /** Literal environment variable name, when known. */
  variable?: string;
  /** Catalog id of the mutating API. */
  api?: string;
  /** The thread that writes, then the thread that may read concurrently (empty for non-race rules). */
  threads: ThreadTrace[];
  related: RelatedLocation[];
  /** What kind of reader the other thread is known to run, for the reproducer (`exec`, `getenv`). */
  reader?: { api: string; kind: 'getenv' | 'exec' | 'other' };
  /** One line: what to do instead. */
  fix: string;
  /** Set after analysis: `primaryLocationLineHash` of the primary location (what baselines and GitHub match on). */
  fingerprint?: string;
  /** Set after analysis: an `envrace-ignore[rule]: reason` comment covers this finding. */
  suppression?: { kind: 'inSource'; justification: string };
  /** Set after analysis when a baseline was given: `unchanged` findings were already in it. */
  baselineState?: 'new' | 'unchanged';
}
