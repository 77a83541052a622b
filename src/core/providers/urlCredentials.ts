// Credentials written into a base URL (http://user:password@host) are a secret like the API key:
// fetch refuses such URLs, so they travel as a Basic Authorization header instead, and every
// message, log line and record shows the URL with them masked.

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/** The text with the user-info part of every URL in it replaced by "***". */
export function maskUrlCredentials(text: string): string;
export function maskUrlCredentials(text: string | undefined): string | undefined;
export function maskUrlCredentials(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.replace(USERINFO, '$1***@');
}

export interface SplitUrl {
  /** The URL without user-info. */
  url: string;
  /** `Basic …` for the user-info, when the URL had any. */
  basicAuth?: string;
}

/** Takes the user-info out of a URL, to send as a Basic Authorization header. */
export function splitUrlCredentials(raw: string): SplitUrl {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url: raw };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const bare = raw.endsWith('/') ? url.href : url.href.replace(/\/$/, '');
  return { url: bare, basicAuth: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
