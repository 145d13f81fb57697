/**
 * A browser as the API sees it: a cookie jar, the CSRF header copied from the piquet_csrf cookie
 * (as the web app does), and an Origin header, over real HTTP.
 */
export interface BrowserResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
  setCookies: string[];
}

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    readonly origin: string,
    readonly userAgent = 'test-browser/1.0',
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  get csrf(): string | undefined {
    return this.cookies.get('piquet_csrf');
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: { csrf?: string | null; origin?: string | null; accept?: string; form?: Record<string, string>; redirect?: 'manual' | 'follow' } = {},
  ): Promise<BrowserResponse<T>> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    const unsafe = !['GET', 'HEAD'].includes(method);
    const csrf = opts.csrf === undefined ? (unsafe ? this.csrf : undefined) : opts.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    const origin = opts.origin === undefined ? (unsafe ? this.origin : undefined) : opts.origin;
    if (origin) headers.origin = origin;
    if (opts.accept) headers.accept = opts.accept;
    let payload: string | undefined;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(opts.form).toString();
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: opts.redirect ?? 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = decodeURIComponent(pair!.slice(eq + 1).trim());
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers, setCookies };
  }
}
