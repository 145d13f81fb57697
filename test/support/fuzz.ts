import fc from 'fast-check';
import pg from 'pg';
import { quoteIdent } from '#database/migrate.js';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Op {
  method: string;
  path: string;
  pathParams: string[];
  query: Parameter[];
  body: Schema | null;
  multipart: boolean;
}

export function operations(doc: OpenApi): Op[] {
  const ops: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query'),
        body: content['application/json']?.schema ?? null,
        multipart: 'multipart/form-data' in content,
      });
    }
  }
  return ops;
}

/** Values of the right kind for a field, from the test's fixtures (ids that exist, dates that fit). */
export interface Hints {
  uuid(field: string): string;
  date(field: string): string;
  string(field: string): string | undefined;
}

export function resolve(doc: OpenApi, s: Schema): Schema {
  let out = s;
  while (out.$ref) out = doc.components?.schemas?.[out.$ref.replace('#/components/schemas/', '')] ?? {};
  if (out.allOf) {
    const parts = out.allOf.map((p) => resolve(doc, p));
    out = {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), out.properties ?? {}) as Record<string, Schema>,
      required: [...parts.flatMap((p) => p.required ?? []), ...(out.required ?? [])],
    };
  }
  return out;
}

/** A valid-looking value for a schema: required fields, and the optional ones `withOptional` picks. */
export function exampleFor(doc: OpenApi, schema: Schema, hints: Hints, field = '', withOptional: (f: string) => boolean = () => false, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (depth > 6) return undefined;
  if (s.enum?.length) return s.enum[0];
  if (s.type === 'array') return [exampleFor(doc, s.items ?? {}, hints, field, withOptional, depth + 1)];
  if (s.type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      const path = field ? `${field}.${k}` : k;
      if (!(s.required ?? []).includes(k) && !withOptional(path)) continue;
      const v = exampleFor(doc, p, hints, k, withOptional, depth + 1);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (s.type === 'integer' || s.type === 'number') return Math.min(Math.max(s.minimum ?? 1, 1), s.maximum ?? Number.MAX_SAFE_INTEGER);
  if (s.type === 'boolean') return false;
  if (s.format === 'uuid') return hints.uuid(field);
  if (/At$/.test(field)) return hints.date(field);
  return hints.string(field) ?? (typeof s.example === 'string' ? s.example : `Valeur ${field} ✊`);
}

/** Leaves of a JSON value, by path. */
export function paths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return [prefix, ...entries.flatMap(([k, x]) => paths(x, [...prefix, k]))];
}

export function setPath(root: unknown, path: string[], value: unknown): unknown {
  if (!path.length) return value;
  const copy = structuredClone(root) as Record<string, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
}

export const deepNest = (depth: number): unknown => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown;

/** Values that do not belong where they are put. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, [], [[]], {}, [{}], true, 0, -1, 1e308, 2 ** 53, 1.5, '', ' \t\n ', '\u3000', 'not-a-uuid'),
  fc.constantFrom('a\u0000b', '\u0000', 'x\uD800', '\uDC00y', 'é\uD83D', `${'🧑🏽‍🤝‍🧑🏻'.repeat(3)}\u0000`),
  fc.constantFrom('2999-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '2026-13-45T25:61:00Z', '2026-12-05T09:00:00', '9999-12-31T23:59:59+14:00', '1970-01-01T00:00:00Z'),
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '../../etc/passwd', "'; DROP TABLE posts; --"),
  fc.constantFrom('x'.repeat(10_001), 'y'.repeat(300_000)),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 33, max: 3000 }).map(deepNest),
);

export type Mutation =
  | { kind: 'valid'; optional: number }
  | { kind: 'replace'; pick: number; value: unknown; optional: number }
  | { kind: 'drop'; pick: number }
  | { kind: 'unknown'; key: string; value: unknown }
  | { kind: 'whole'; value: unknown }
  | { kind: 'deep'; depth: number }
  | { kind: 'raw'; text: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('valid' as const), optional: fc.nat() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: badValue, optional: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown' as const), key: fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }), value: badValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('whole' as const), value: badValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.oneof(fc.integer({ min: 33, max: 200 }), fc.constant(20_000)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: fc.constantFrom('{', '{"a":', '[1,]', 'null', '"x"', '\u0000', '{"text":"\\ud800"}', '{"text":"a\\u0000b"}') }) },
);

/** Applies a mutation to a valid body: the JSON text to send. */
export function mutate(valid: unknown, m: Mutation): string {
  switch (m.kind) {
    case 'valid':
      return JSON.stringify(valid);
    case 'replace': {
      const all = paths(valid).filter((p) => p.length > 0);
      return JSON.stringify(all.length ? setPath(valid, all[m.pick % all.length]!, m.value) : m.value);
    }
    case 'drop': {
      const all = paths(valid).filter((p) => p.length > 0);
      return JSON.stringify(all.length ? setPath(valid, all[m.pick % all.length]!, undefined) : valid);
    }
    case 'unknown':
      return JSON.stringify({ ...(valid as object), [m.key]: m.value });
    case 'whole':
      return JSON.stringify(m.value);
    case 'deep':
      return '{"a":'.repeat(m.depth) + '1' + '}'.repeat(m.depth);
    case 'raw':
      return m.text;
  }
}

/**
 * Every row written in a schema, per table: a row trigger on each table counts inserts, updates and
 * deletes in `fuzz_writes`, in the writing transaction (so a rolled-back write counts nothing and a
 * committed one always counts). Exact, and cheap enough to read before and after every write.
 */
export class WriteCounter {
  private tables: string[] = [];
  constructor(
    private readonly client: pg.Client,
    private readonly schema: string,
    /** Columns changed on reads (api_tokens.last_used_at): updates of only these do not count. */
    private readonly readColumns: Record<string, string[]>,
  ) {}

  async install(): Promise<void> {
    const s = quoteIdent(this.schema);
    const r = await this.client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name NOT IN ('_prisma_migrations', 'fuzz_writes') ORDER BY 1",
      [this.schema],
    );
    this.tables = r.rows.map((x) => x.table_name);
    await this.client.query(`CREATE TABLE ${s}.fuzz_writes (t text PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
    await this.client.query(`INSERT INTO ${s}.fuzz_writes (t) SELECT unnest($1::text[])`, [this.tables]);
    await this.client.query(`CREATE FUNCTION ${s}.fuzz_count() RETURNS trigger LANGUAGE plpgsql AS $f$
      BEGIN UPDATE ${s}.fuzz_writes SET n = n + 1 WHERE t = TG_TABLE_NAME; RETURN NULL; END $f$`);
    for (const t of this.tables) {
      let events = 'INSERT OR UPDATE OR DELETE';
      const skip = this.readColumns[t];
      if (skip) {
        const cols = await this.client.query<{ column_name: string }>(
          'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
          [this.schema, t],
        );
        events = `INSERT OR DELETE OR UPDATE OF ${cols.rows.map((c) => c.column_name).filter((c) => !skip.includes(c)).map(quoteIdent).join(', ')}`;
      }
      await this.client.query(`CREATE TRIGGER fuzz_count AFTER ${events} ON ${s}.${quoteIdent(t)} FOR EACH ROW EXECUTE FUNCTION ${s}.fuzz_count()`);
    }
  }

  get tableCount(): number {
    return this.tables.length;
  }

  async mark(): Promise<Map<string, string>> {
    const r = await this.client.query<{ t: string; n: string }>(`SELECT t, n::text FROM ${quoteIdent(this.schema)}.fuzz_writes`);
    return new Map(r.rows.map((x) => [x.t, x.n]));
  }

  /** Tables written since `before`, with how many rows. */
  async writtenSince(before: Map<string, string>): Promise<string[]> {
    const after = await this.mark();
    return [...after].filter(([t, n]) => before.get(t) !== n).map(([t, n]) => `${t} (${BigInt(n) - BigInt(before.get(t) ?? '0')} rows)`);
  }

  async drop(): Promise<void> {
    const s = quoteIdent(this.schema);
    for (const t of this.tables) await this.client.query(`DROP TRIGGER IF EXISTS fuzz_count ON ${s}.${quoteIdent(t)}`);
    await this.client.query(`DROP TABLE IF EXISTS ${s}.fuzz_writes; DROP FUNCTION IF EXISTS ${s}.fuzz_count()`);
  }
}

export function histogram(values: number[]): string {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
