// Provider error texts can echo credentials (OpenAI's 401 quotes a masked key; proxies may
// quote headers or the URL). Every message we build passes through here before a user or log sees it.
import { maskUrlCredentials } from './urlCredentials';

const KEY_LIKE = /\b(sk|rk|pk|xai)-[A-Za-z0-9_-]{8,}|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Removes the API key itself, anything shaped like a key or auth header, and URL credentials. */
export function redactApiKey(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[redacted]');
  return maskUrlCredentials(out).replace(KEY_LIKE, '[redacted]');
}
