// A browser's side of the dashboard's login: its cookie jar, the login form and its CSRF token.
import { expect } from 'vitest';

/** A browser's cookie jar, enough for one origin. */
export class Jar {
  private cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
  }
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

/** Opens the login form (taking its CSRF cookie) and returns the form's CSRF token. */
export async function loginForm(base: string, jar: Jar): Promise<string> {
  const res = await fetch(`${base}/login?next=/api/status`, { headers: { cookie: jar.header } });
  expect(res.status).toBe(200);
  jar.take(res);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  expect(csrf).toBeTruthy();
  return csrf!;
}

/** Submits the login form with `token`, as a browser would. */
export async function login(base: string, jar: Jar, token: string): Promise<Response> {
  const csrf = await loginForm(base, jar);
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
    body: new URLSearchParams({ _csrf: csrf, token, next: '/api/status' }).toString(),
  });
  jar.take(res);
  return res;
}
