import { AST_NODE_TYPES } from '@typescript-eslint/typescript-estree';

/**
 * typescript-estree's node type names. Bound once here: the package re-exports the enum through a
 * getter, too slow to go through for every node of a large bundle.
 */
export const T = AST_NODE_TYPES;
