import type { FieldError } from './errors.js';

/** Deeper than any DTO of this API (the deepest, a strike's messages, is 5): anything more is an attack or a bug. */
export const MAX_DEPTH = 32;

/**
 * Walks a parsed body, query or parameter once, without recursion, before class-transformer sees
 * it: strings Postgres cannot store (NUL, lone UTF-16 surrogates: 22021, 22P05) and nesting deeper
 * than MAX_DEPTH (class-transformer recurses, so 20,000 levels overflow its stack). Keys count too.
 * Returns the first fault, named by its path, or null.
 */
export function inputFault(value: unknown, root: string): FieldError | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { v, path, depth } = item;
    if (typeof v === 'string') {
      const fault = stringFault(v);
      if (fault) return { field: path || 'body', message: fault };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return { field: path || 'body', message: `is nested deeper than ${MAX_DEPTH} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i] as unknown, path: join(path, String(i)), depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      const fault = stringFault(key);
      if (fault) return { field: path || 'body', message: `has a field name that ${fault}` };
      stack.push({ v: (v as Record<string, unknown>)[key], path: join(path, key), depth: depth + 1 });
    }
  }
  return null;
}

export function stringFault(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (!s.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

const join = (parent: string, key: string): string => (parent ? `${parent}.${key}` : key);
