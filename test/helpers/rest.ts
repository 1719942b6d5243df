import type { TestApp } from './app';

export interface RestResponse {
  status: number;
  contentType: string | null;
  body: any;
}

/** One REST request over HTTP, as an existing admin client would send it. */
export async function rest(
  t: TestApp,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestResponse> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body };
}
