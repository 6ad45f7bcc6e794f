import { inArm, inLoop, type Context } from './functionBuilder.ts';
import { instanceMethodEntry } from './objects.ts';
import { CONTEXT_EXIT } from './protocol.ts';
import { UNKNOWN, type Value } from './scope.ts';
import { isMainGuard, referenceName } from './syntax.ts';
import type { PyNode } from './tree.ts';
import type { FileWalker } from './walker.ts';

/**
 * Statements and expressions that run their parts conditionally or repeatedly: they place the
 * events inside them in loops (`loopN`) and conditional arms (`ifN:arm`, `tryN:arm`, `matchN:arm`,
 * `condN:arm`, `andN:1`, `orN:1`). Ids count constructs per function, in walk order.
 */

export function ifStatement(w: FileWalker, node: PyNode, ctx: Context): void {
  const construct = ctx.fn.newConstruct('if');
  const condition = node.childForFieldName('condition');
  if (isMainGuard(condition)) w.program = true;
  if (condition) w.evaluate(condition, ctx);
  w.walkBlock(node.childForFieldName('consequence'), inArm(ctx, construct, 0));
  node.childrenForFieldName('alternative').forEach((alternative, index) => {
    const arm = inArm(ctx, construct, index + 1);
    if (alternative.type === 'elif_clause') {
      const elifCondition = alternative.childForFieldName('condition');
      if (elifCondition) w.evaluate(elifCondition, arm);
      w.walkBlock(alternative.childForFieldName('consequence'), arm);
    } else {
      w.walkBlock(alternative.childForFieldName('body'), arm);
    }
  });
}

export function forStatement(w: FileWalker, node: PyNode, ctx: Context): void {
  const right = node.childForFieldName('right');
  const iterated = right ? w.evaluate(right, ctx) : UNKNOWN;
  const inner = inLoop(ctx, ctx.fn.newConstruct('loop'));
  const left = node.childForFieldName('left');
  if (left) w.bindLoopTarget(left, right ?? undefined, iterated, inner);
  w.walkBlock(node.childForFieldName('body'), inner);
  w.walkBlock(node.childForFieldName('alternative')?.childForFieldName('body') ?? null, ctx);
}

export function whileStatement(w: FileWalker, node: PyNode, ctx: Context): void {
  const inner = inLoop(ctx, ctx.fn.newConstruct('loop'));
  const condition = node.childForFieldName('condition');
  if (condition) w.evaluate(condition, inner);
  w.walkBlock(node.childForFieldName('body'), inner);
  w.walkBlock(node.childForFieldName('alternative')?.childForFieldName('body') ?? null, ctx);
}

/** The try body (and its `else`) is arm 0, each handler its own arm; `finally` always runs. */
export function tryStatement(w: FileWalker, node: PyNode, ctx: Context): void {
  const construct = ctx.fn.newConstruct('try');
  w.walkBlock(node.childForFieldName('body'), inArm(ctx, construct, 0));
  let handler = 0;
  for (const clause of node.namedChildren) {
    if (clause.type === 'except_clause' || clause.type === 'except_group_clause') {
      handler += 1;
      const arm = inArm(ctx, construct, handler);
      const alias = clause.childForFieldName('alias');
      for (const child of clause.namedChildren) {
        if (alias && child.startIndex === alias.startIndex && child.type === alias.type) continue;
        w.evaluate(child, arm);
      }
      if (alias?.type === 'identifier') arm.scope.bind(alias.text, UNKNOWN);
    } else if (clause.type === 'else_clause') {
      w.walkBlock(clause.childForFieldName('body'), inArm(ctx, construct, 0));
    } else if (clause.type === 'finally_clause') {
      w.walkChildren(clause, ctx);
    }
  }
}

export function matchStatement(w: FileWalker, node: PyNode, ctx: Context): void {
  const construct = ctx.fn.newConstruct('match');
  for (const subject of node.childrenForFieldName('subject')) w.evaluate(subject, ctx);
  const body = node.childForFieldName('body');
  const cases = body ? body.namedChildren.filter((child) => child.type === 'case_clause') : [];
  cases.forEach((clause, index) => {
    const arm = inArm(ctx, construct, index);
    const guard = clause.childForFieldName('guard');
    if (guard) w.walkChildren(guard, arm);
    w.walkBlock(clause.childForFieldName('consequence'), arm);
  });
}

export function conditionalExpression(w: FileWalker, node: PyNode, ctx: Context): Value {
  const [consequence, condition, alternative] = node.namedChildren;
  const construct = ctx.fn.newConstruct('cond');
  if (condition) w.evaluate(condition, ctx);
  const a = consequence ? w.evaluate(consequence, inArm(ctx, construct, 0)) : UNKNOWN;
  const b = alternative ? w.evaluate(alternative, inArm(ctx, construct, 1)) : UNKNOWN;
  // `env = os.environ if x else {}` may alias the environment.
  return w.isEnviron(a) ? a : w.isEnviron(b) ? b : UNKNOWN;
}

/** `a and b`, `a or b`: `b` runs only sometimes. */
export function booleanOperator(w: FileWalker, node: PyNode, ctx: Context): Value {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  const operator = node.childForFieldName('operator')?.type ?? 'bool';
  const a = left ? w.evaluate(left, ctx) : UNKNOWN;
  const b = right ? w.evaluate(right, inArm(ctx, ctx.fn.newConstruct(operator), 1)) : UNKNOWN;
  return w.isEnviron(a) ? a : w.isEnviron(b) ? b : UNKNOWN;
}

/** The first iterable is evaluated once; everything else runs per item. */
export function comprehension(w: FileWalker, node: PyNode, ctx: Context): Value {
  const clauses = node.namedChildren.filter((child) => child.type === 'for_in_clause' || child.type === 'if_clause');
  const inner: Context = { ...inLoop(ctx, ctx.fn.newConstruct('loop')), scope: ctx.scope.child('inline') };
  clauses.forEach((clause, index) => {
    if (clause.type === 'if_clause') {
      w.walkChildren(clause, inner);
      return;
    }
    const rights = clause.childrenForFieldName('right');
    let iterated: Value = UNKNOWN;
    for (const right of rights) iterated = w.evaluate(right, index === 0 ? ctx : inner);
    const left = clause.childForFieldName('left');
    if (left) w.bindLoopTarget(left, rights.length === 1 ? rights[0] : undefined, iterated, inner);
  });
  const body = node.childForFieldName('body');
  const value = body ? w.evaluate(body, inner) : UNKNOWN;
  return value.kind === 'instance' ? { kind: 'instances', instance: value.instance } : UNKNOWN;
}

/**
 * `with X() as x:`: `x` is bound for the block; leaving the block joins the threads of executors
 * and pools (the catalog's `__exit__` join entries), as a join at the block's end.
 */
export function withStatement(w: FileWalker, node: PyNode, ctx: Context): void {
  const clause = node.namedChildren.find((child) => child.type === 'with_clause');
  const items = clause ? clause.namedChildren.filter((child) => child.type === 'with_item') : [];
  const exits: Array<{ api: string; handles: string[] }> = [];
  for (const item of items) {
    const value = item.childForFieldName('value');
    if (!value) continue;
    let expression = value;
    let alias: PyNode | undefined;
    if (value.type === 'as_pattern') {
      expression = value.namedChild(0) ?? value;
      alias = value.childForFieldName('alias')?.namedChild(0) ?? undefined;
    }
    const handle = alias ? referenceName(alias) : referenceName(expression);
    const managed = w.evaluate(expression, ctx, alias ? handle : undefined);
    if (alias) w.assignTarget(alias, managed, ctx, item);
    if (managed.kind !== 'instance' || handle === undefined) continue;
    const entry = instanceMethodEntry(w.api, managed.instance, CONTEXT_EXIT);
    if (entry?.kind === 'join') exits.push({ api: entry.id, handles: [...new Set([handle, ...managed.instance.collections])] });
  }
  w.walkBlock(node.childForFieldName('body'), ctx);
  const end = node.endPosition;
  for (const exit of exits.reverse()) {
    ctx.fn.emit(ctx, { kind: 'join', api: exit.api, handles: exit.handles, span: { line: end.row, column: end.column, endLine: end.row, endColumn: end.column } });
  }
}
