/** PEP 503 normalized distribution name: `Py_YAML.x` → `py-yaml-x`. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/** PEP 685 normalized extra name (same rule as distribution names). */
export const normalizeExtra = normalizeName;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plausible top-level module name (drops `..`, `bin`-script stems with dashes, and so on). */
export function isModuleName(name: string): boolean {
  return IDENTIFIER.test(name);
}
