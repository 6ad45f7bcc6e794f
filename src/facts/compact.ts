import type { FileFacts } from './types.ts';

/** Shared by every empty list of every file: nothing adds to facts once they are extracted. */
const EMPTY: readonly never[] = Object.freeze([]);

/** Longer strings (source snippets, long qualified names) rarely repeat; interning them only costs. */
const MAX_INTERNED_LENGTH = 120;

/**
 * Makes extracted facts share what repeats across files: equal strings (callee names, API names,
 * variable names, module paths), equal lists of strings (an event's loops and branches, a call's
 * path, a spawn's handles) and every empty list. A node_modules audit holds a quarter of a million
 * events, most with two empty lists, and the same few thousand names over and over. One compactor
 * per extraction; facts are plain JSON data, walked without knowing their shape.
 */
export class FactCompactor {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();

  compact(facts: FileFacts): FileFacts {
    return this.value(facts) as FileFacts;
  }

  private value(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (Array.isArray(value)) return this.list(value);
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const field = record[key];
        if (field !== null && (typeof field === 'object' || typeof field === 'string')) record[key] = this.value(field);
      }
    }
    return value;
  }

  private string(value: string): string {
    if (value.length > MAX_INTERNED_LENGTH) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  private list(items: unknown[]): unknown {
    if (items.length === 0) return EMPTY;
    if (items.every((item) => typeof item === 'string' && item.length <= MAX_INTERNED_LENGTH)) {
      const key = JSON.stringify(items);
      const known = this.lists.get(key);
      if (known !== undefined) return known;
      const shared = Object.freeze((items as string[]).map((item) => this.string(item)));
      this.lists.set(key, shared);
      return shared;
    }
    for (let index = 0; index < items.length; index += 1) items[index] = this.value(items[index]);
    return items;
  }
}
