/**
 * Breadth-first from the root packages: for each reachable package, up to `limit` shortest
 * dependency paths (lists of package ids, root first). Deterministic: neighbours in the order given.
 */
export function shortestPaths(roots: readonly string[], neighbours: (id: string) => readonly string[], limit = 3): Map<string, string[][]> {
  const paths = new Map<string, string[][]>();
  const depth = new Map<string, number>();
  const queue: string[] = [];
  for (const root of roots) {
    if (paths.has(root)) continue;
    paths.set(root, [[root]]);
    depth.set(root, 0);
    queue.push(root);
  }
  for (let head = 0; head < queue.length; head += 1) {
    const id = queue[head]!;
    for (const next of neighbours(id)) {
      const known = paths.get(next);
      if (known === undefined) {
        paths.set(next, paths.get(id)!.map((p) => [...p, next]));
        depth.set(next, depth.get(id)! + 1);
        queue.push(next);
      } else if (depth.get(next) === depth.get(id)! + 1 && known.length < limit) {
        for (const p of paths.get(id)!) if (known.length < limit) known.push([...p, next]);
      }
    }
  }
  return paths;
}
