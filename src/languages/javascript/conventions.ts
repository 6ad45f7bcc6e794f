/** Key (and name) of the synthetic function holding a module's top-level code. */
export const moduleFunctionKey = '<module>';
