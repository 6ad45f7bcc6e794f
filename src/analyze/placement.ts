import type { Placement } from '../facts/types.ts';

/**
 * Source-order reasoning inside one function, from each event's index and its enclosing loops and
 * conditional arms. Deliberately simple and explainable: early returns and `break` are not modelled.
 */

export interface Placed extends Placement {
  index: number;
}

export interface PlacedJoin extends Placed {
  handles: readonly string[];
}

export function sharesLoop(a: Placement, b: Placement): boolean {
  return a.loops.some((loop) => b.loops.includes(loop));
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((arm, i) => of[i] === arm);
}

/** Different arms of the same conditional: never both run in one pass. */
export function mutuallyExclusive(a: Placement, b: Placement): boolean {
  const length = Math.min(a.branches.length, b.branches.length);
  for (let i = 0; i < length; i += 1) {
    const armA = a.branches[i]!;
    const armB = b.branches[i]!;
    if (armA === armB) continue;
    return construct(armA) === construct(armB);
  }
  return false;
}

const construct = (arm: string): string => arm.slice(0, arm.lastIndexOf(':'));

const sharesHandle = (join: PlacedJoin, handles: readonly string[]): boolean => join.handles.some((h) => handles.includes(h));

/**
 * A join runs on every path from `from` to `to` when it is not inside a conditional arm that
 * neither of them is in.
 */
const unconditionalFor = (join: Placed, point: Placed): boolean => isPrefix(join.branches, point.branches);

/**
 * Is a thread started at `spawn` (joinable by `handles`) possibly still running when `event` runs?
 * "After" is source order, or any order when both sit in one loop (a later iteration).
 */
export function aliveAt(spawn: Placed, handles: readonly string[], event: Placed, joins: readonly PlacedJoin[]): boolean {
  if (spawn.index === event.index) return false;
  const loop = sharesLoop(spawn, event);
  if (spawn.index < event.index) {
    if (!loop && mutuallyExclusive(spawn, event)) return false;
    if (handles.length === 0) return true;
    return !joins.some(
      (join) =>
        spawn.index < join.index &&
        join.index < event.index &&
        sharesHandle(join, handles) &&
        (unconditionalFor(join, spawn) || unconditionalFor(join, event)),
    );
  }
  if (!loop) return false;
  if (handles.length === 0) return true;
  const sharedLoops = spawn.loops.filter((l) => event.loops.includes(l));
  return !joins.some(
    (join) =>
      sharesHandle(join, handles) &&
      join.loops.some((l) => sharedLoops.includes(l)) &&
      ((join.index > spawn.index && unconditionalFor(join, spawn)) || (join.index < event.index && unconditionalFor(join, event))),
  );
}

/** Is a thread started at `spawn` possibly still running when its function returns? */
export function aliveAtExit(spawn: Placed, handles: readonly string[], joins: readonly PlacedJoin[]): boolean {
  if (handles.length === 0) return true;
  return !joins.some((join) => join.index > spawn.index && sharesHandle(join, handles) && unconditionalFor(join, spawn));
}
