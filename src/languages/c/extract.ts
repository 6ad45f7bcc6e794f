import type { Catalog } from '../../catalog/types.ts';
import type { FileFacts, FunctionFact, ImportFact } from '../../facts/types.ts';
import { parseSource, spanOf, syntaxDiagnostics, type SyntaxNode } from '../../parse/treeSitter.ts';
import type { LanguageAdapter } from '../types.ts';
import { indexCatalog } from './catalogIndex.ts';
import { functionEvents, type FileScope, type ParamInfo } from './functionEvents.ts';
import { declaredName, hasStorageClass, referencedIdentifier } from './syntax.ts';

/** Top-level wrappers that can hold definitions: `#ifdef` arms, `extern "C" { }`, recovered errors. */
const topLevelContainers = new Set([
  'preproc_if',
  'preproc_ifdef',
  'preproc_elif',
  'preproc_elifdef',
  'preproc_else',
  'linkage_specification',
  'declaration_list',
  'ERROR',
]);

/** What the file's top level declares, gathered before any body is walked. */
interface TopLevel {
  definitions: SyntaxNode[];
  /** Functions declared `static` by a prototype: a later definition without `static` is still internal. */
  staticPrototypes: Set<string>;
  globalAliases: Map<string, string>;
  imports: ImportFact[];
}

export const cAdapter: LanguageAdapter = {
  language: 'c',
  extensions: ['.c', '.h'],
  extract(source: string, catalog: Catalog): FileFacts {
    const tree = parseSource('c', source);
    const topLevel = collectTopLevel(tree.rootNode);
    const api = indexCatalog(catalog);

    const named = topLevel.definitions.flatMap((definition) => {
      const declared = declaredName(definition.childForFieldName('declarator'));
      return declared?.functionDeclarator && declared.indirection === 0
        ? [{ definition, nameNode: declared.name, functionDeclarator: declared.functionDeclarator }]
        : [];
    });
    // A second definition of a name (another `#ifdef` arm) gets `name#2`; calls resolve to the first.
    const definedFunctions = new Map<string, string>();
    const definitionCount = new Map<string, number>();
    const keys = named.map(({ nameNode }) => {
      const name = nameNode.text;
      const count = (definitionCount.get(name) ?? 0) + 1;
      definitionCount.set(name, count);
      if (count === 1) definedFunctions.set(name, name);
      return count === 1 ? name : `${name}#${count}`;
    });

    const scope: FileScope = { api, definedFunctions, globalAliases: topLevel.globalAliases };
    const functions: FunctionFact[] = named.map(({ definition, nameNode, functionDeclarator }, index) => {
      const name = nameNode.text;
      const internal = hasStorageClass(definition, 'static') || topLevel.staticPrototypes.has(name);
      const params = parameters(functionDeclarator);
      const body = definition.childForFieldName('body');
      const interposed = internal ? undefined : api.interposable.get(name);
      return {
        key: keys[index]!,
        name,
        qualifiedName: name,
        span: spanOf(definition),
        nameSpan: spanOf(nameNode),
        exported: !internal,
        params: params.map((param) => param.name),
        ...(name === 'main' && !internal ? { entry: 'main' as const } : {}),
        ...(interposed ? { interposes: { symbol: name, api: interposed.id } } : {}),
        events: body ? functionEvents(body, params, scope) : [],
      };
    });

    return { language: 'c', functions, imports: topLevel.imports, diagnostics: syntaxDiagnostics(tree) };
  },
};

function collectTopLevel(root: SyntaxNode): TopLevel {
  const topLevel: TopLevel = { definitions: [], staticPrototypes: new Set(), globalAliases: new Map(), imports: [] };
  const stack = [...root.namedChildren].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    switch (node.type) {
      case 'function_definition':
        topLevel.definitions.push(node);
        break;
      case 'declaration':
        collectDeclaration(node, topLevel);
        break;
      case 'preproc_include': {
        const include = includeFact(node);
        if (include) topLevel.imports.push(include);
        break;
      }
      default:
        if (topLevelContainers.has(node.type)) {
          const children = node.namedChildren;
          for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
        }
    }
  }
  return topLevel;
}

function collectDeclaration(node: SyntaxNode, topLevel: TopLevel): void {
  const isStatic = hasStorageClass(node, 'static');
  for (const declarator of node.childrenForFieldName('declarator')) {
    const declared = declaredName(declarator);
    if (!declared) continue;
    if (isStatic && declared.functionDeclarator && declared.indirection === 0) topLevel.staticPrototypes.add(declared.name.text);
    const value = declarator.type === 'init_declarator' ? declarator.childForFieldName('value') : null;
    const target = value ? referencedIdentifier(value, { throughDeref: false }) : undefined;
    if (target !== undefined) topLevel.globalAliases.set(declared.name.text, target);
  }
}

function parameters(functionDeclarator: SyntaxNode): ParamInfo[] {
  const list = functionDeclarator.childForFieldName('parameters')?.namedChildren ?? [];
  const declarations = list.filter((node) => node.type === 'parameter_declaration');
  // `f(void)` declares no parameters.
  if (declarations.length === 1 && !declarations[0]!.childForFieldName('declarator') && declarations[0]!.childForFieldName('type')?.text === 'void') {
    return [];
  }
  return declarations.map((declaration) => {
    const declared = declaredName(declaration.childForFieldName('declarator'));
    const type = declaration.childForFieldName('type')?.text;
    return {
      name: declared?.name.text ?? '',
      stringArray: !!declared && !declared.functionDeclarator && declared.indirection >= 2 && type === 'char',
    };
  });
}

function includeFact(node: SyntaxNode): ImportFact | undefined {
  const path = node.childForFieldName('path');
  if (!path) return undefined;
  const quoted = path.type === 'string_literal';
  const header = quoted ? path.text.slice(1, -1) : path.text.replace(/^<|>$/g, '');
  if (!header) return undefined;
  return { kind: 'include', local: header, source: quoted ? header : `<${header}>`, imported: '*', span: spanOf(node) };
}
