import { describe, expect, it } from 'vitest';
import { aliveAt, aliveAtExit, mutuallyExclusive, type PlacedJoin } from '../../src/analyze/placement.ts';

const at = (index: number, loops: string[] = [], branches: string[] = []) => ({ index, loops, branches });
const join = (index: number, handles: string[], loops: string[] = [], branches: string[] = []): PlacedJoin => ({ index, loops, branches, handles });

describe('aliveAt', () => {
  it('a thread is alive after its spawn and not before it', () => {
    expect(aliveAt(at(1), ['t'], at(2), [])).toBe(true);
    expect(aliveAt(at(1), ['t'], at(0), [])).toBe(false);
  });
  it('a join of the same handle between spawn and event ends it', () => {
    expect(aliveAt(at(1), ['t'], at(3), [join(2, ['t'])])).toBe(false);
    expect(aliveAt(at(1), ['t'], at(3), [join(2, ['other'])])).toBe(true);
  });
  it('a join inside an if does not end it on every path', () => {
    expect(aliveAt(at(1), ['t'], at(3), [join(2, ['t'], [], ['if1:0'])])).toBe(true);
  });
  it('a join in the same arm as the spawn does end it', () => {
    expect(aliveAt(at(1, [], ['if1:0']), ['t'], at(3), [join(2, ['t'], [], ['if1:0'])])).toBe(false);
  });
  it('a detached thread (no handle) is never joined', () => {
    expect(aliveAt(at(1), [], at(3), [join(2, ['t'])])).toBe(true);
  });
  it('spawn and event in different arms of one if never meet', () => {
    expect(aliveAt(at(1, [], ['if1:0']), ['t'], at(2, [], ['if1:1']), [])).toBe(false);
  });
  it('inside a loop, an earlier statement runs after the previous iteration spawned', () => {
    expect(aliveAt(at(2, ['L1']), ['t'], at(1, ['L1']), [])).toBe(true);
    expect(aliveAt(at(2, ['L1']), ['t'], at(1, ['L1']), [join(3, ['t'], ['L1'])])).toBe(false);
  });
  it('different arms inside a loop still meet on a later iteration', () => {
    expect(aliveAt(at(1, ['L1'], ['if1:0']), ['t'], at(2, ['L1'], ['if1:1']), [])).toBe(true);
  });
});

describe('aliveAtExit', () => {
  it('an unconditional later join of the handle ends the thread', () => {
    expect(aliveAtExit(at(1), ['t'], [join(2, ['t'])])).toBe(false);
    expect(aliveAtExit(at(1), ['t'], [join(2, ['t'], [], ['if1:0'])])).toBe(true);
    expect(aliveAtExit(at(1), [], [])).toBe(true);
  });
});

describe('mutuallyExclusive', () => {
  it('needs different arms of the same construct', () => {
    expect(mutuallyExclusive(at(0, [], ['if1:0']), at(1, [], ['if1:1']))).toBe(true);
    expect(mutuallyExclusive(at(0, [], ['if1:0']), at(1, [], ['if2:0']))).toBe(false);
    expect(mutuallyExclusive(at(0, [], ['if1:0']), at(1, [], ['if1:0', 'if2:1']))).toBe(false);
  });
});
