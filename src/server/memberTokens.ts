// Member tokens: 32 random bytes shown once; only their SHA-256 is stored. A leaked database
// does not leak working tokens, and the comparison after look-up is constant-time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'drt_';

export function newMemberToken(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header ?? '');
  return m?.[1];
}
