import { Agent, type Dispatcher } from 'undici';

/** The status line and headers of the last answer a client received (whatever its body's type). */
export interface RecordedResponse {
  status: number;
  contentType: string | null;
  header(name: string): string | null;
}

export interface ResponseRecorder {
  dispatcher: Dispatcher;
  last(): RecordedResponse | null;
}

const plainAgent = new Agent();

/**
 * Wraps a dispatcher so the answer's status and headers are kept for the caller. masto turns a
 * non-JSON error body (a `404 Not Found` in text/plain) into an error that carries no status; with
 * this, the adapter still knows the server said 404. One recorder per client, so concurrent calls
 * never see each other's answers.
 */
export function recordResponses(base: Dispatcher | undefined): ResponseRecorder {
  let last: RecordedResponse | null = null;
  const keep = (status: number, headers: Record<string, string | string[] | undefined>) => {
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v ?? null)]));
    last = { status, contentType: lower.get('content-type') ?? null, header: (name) => lower.get(name.toLowerCase()) ?? null };
  };
  const dispatcher = (base ?? plainAgent).compose((dispatch) => (opts, handler) =>
    dispatch(
      opts,
      new Proxy(handler, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          const fn = value as (...args: unknown[]) => unknown;
          // Node's fetch speaks undici's newer handler API; older handlers get onHeaders with raw pairs.
          if (prop === 'onResponseStart') {
            return (controller: unknown, status: number, headers: Record<string, string | string[]>, message: string) => {
              keep(status, headers);
              return fn.call(target, controller, status, headers, message);
            };
          }
          if (prop === 'onHeaders') {
            return (status: number, raw: Buffer[], resume: unknown, message: string) => {
              keep(status, rawPairs(raw));
              return fn.call(target, status, raw, resume, message);
            };
          }
          return fn.bind(target);
        },
      }),
    ),
  );
  return { dispatcher, last: () => last };
}

function rawPairs(raw: Buffer[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; raw && i + 1 < raw.length; i += 2) out[raw[i]!.toString().toLowerCase()] = raw[i + 1]!.toString();
  return out;
}
