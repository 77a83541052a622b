// Provider error texts can echo credentials (OpenAI's 401 quotes a masked key; proxies may
// quote headers). Every message we build passes through here before a user or log sees it.

const KEY_LIKE = /\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Removes the API key itself and anything shaped like a key or bearer token. */
export function redactApiKey(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[redacted]');
  return out.replace(KEY_LIKE, '[redacted]');
}
