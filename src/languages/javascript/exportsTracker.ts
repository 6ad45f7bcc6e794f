import type { ExportFact, FunctionFact, ImportFact, Span } from '../../facts/types.ts';
import type { Scope, Value } from './scope.ts';

/**
 * Collects what a module exposes (ESM `export`, CommonJS `exports.f =` / `module.exports =`) while
 * the walk runs, and settles it at the end, once every local name has its final binding
 * (`export { f }` may precede `const f = () => {}`).
 */
export class ExportsTracker {
  private readonly pendingNames: Array<{ exported: string; local: string; span: Span }> = [];
  private readonly pendingValues: Array<{ exported: string; value: Value; span: Span }> = [];
  private readonly facts: ExportFact[] = [];

  /** `export { local as exported }`, `export default local`, `exports.exported = local`. */
  exportName(exported: string, local: string, span: Span): void {
    this.pendingNames.push({ exported, local, span });
  }

  /** An exported expression whose value is already known (`module.exports = require('./x')`, `exports.f = obj.f`). */
  exportValue(exported: string, value: Value, span: Span): void {
    this.pendingValues.push({ exported, value, span });
  }

  /** A fact that needs no resolution (ESM re-exports). */
  exportFact(exported: string, local: string): void {
    this.facts.push({ exported, local });
  }

  finish(moduleScope: Scope, functions: ReadonlyMap<string, FunctionFact>, imports: ImportFact[]): ExportFact[] {
    const publish = (exported: string, value: Value, span: Span, viaName?: string): void => {
      switch (value.kind) {
        case 'function': {
          const fact = functions.get(value.key);
          if (!fact) return;
          fact.exported = true;
          if (exported !== value.key) this.facts.push({ exported, local: value.key });
          return;
        }
        case 'class': {
          for (const key of value.publicKeys) {
            const member = functions.get(key);
            if (member) member.exported = true;
          }
          const constructorKey = value.members.get('constructor');
          if (constructorKey && exported !== value.name) this.facts.push({ exported, local: constructorKey });
          return;
        }
        case 'object': {
          // `module.exports = { f, g: h }`: the members are what importers call (`require(x).g()`).
          const membersAreExports = exported === 'default';
          for (const [name, member] of value.members) {
            if (member.kind !== 'function') continue;
            const fact = functions.get(member.key);
            if (!fact) continue;
            fact.exported = true;
            if (membersAreExports && name !== member.key) this.facts.push({ exported: name, local: member.key });
          }
          return;
        }
        case 'module': {
          if (viaName !== undefined) {
            this.facts.push({ exported, local: viaName });
            return;
          }
          if (value.path.length === 0) {
            if (exported === 'default') imports.push({ kind: 'reexport', local: '*', source: value.specifier, imported: '*', span });
            return;
          }
          imports.push({ kind: 'reexport', local: exported, source: value.specifier, imported: value.path[0]!, span });
          this.facts.push({ exported, local: exported });
          return;
        }
        default:
          return;
      }
    };
    for (const { exported, local, span } of this.pendingNames) {
      const value = moduleScope.lookup(local);
      if (value) publish(exported, value, span, value.kind === 'module' ? local : undefined);
    }
    for (const { exported, value, span } of this.pendingValues) publish(exported, value, span);
    return dedupe(this.facts);
  }
}

function dedupe(facts: ExportFact[]): ExportFact[] {
  const seen = new Set<string>();
  return facts.filter((fact) => {
    const id = `${fact.exported}\u0000${fact.local}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
