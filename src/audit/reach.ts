import type { PackageRef } from '../languages/types.ts';
import type { PackageReach } from '../prefilter/follow.ts';

/**
 * Reach along a resolved package graph: a package reaches itself and, transitively, what it depends
 * on (a re-export makes a dependency's dependency callable). A package outside the graph is not
 * ruled out either way.
 */
export function packageReach(packages: readonly PackageRef[]): PackageReach {
  const byId = new Map(packages.map((pkg) => [pkg.id, pkg]));
  const closures = new Map<string, ReadonlySet<string>>();
  const closureOf = (start: PackageRef): ReadonlySet<string> => {
    let closure = closures.get(start.id);
    if (closure) return closure;
    const found = new Set<string>([start.id]);
    const queue = [start];
    for (let head = 0; head < queue.length; head += 1) {
      for (const id of Object.values(queue[head]!.deps)) {
        if (found.has(id)) continue;
        found.add(id);
        const dep = byId.get(id);
        if (dep) queue.push(dep);
      }
    }
    closure = found;
    closures.set(start.id, closure);
    return closure;
  };
  return (fromId, toId) => {
    const from = byId.get(fromId);
    if (!from || !byId.has(toId)) return true;
    return closureOf(from).has(toId);
  };
}
