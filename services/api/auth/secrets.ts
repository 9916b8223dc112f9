import { createHash, randomBytes } from 'node:crypto';

// Session ids and API tokens: 32 random bytes, handed to the client once; the database keeps
// only their SHA-256 digest, so a leaked database dump does not let anyone in. (A fast hash is
// right here: the input has 256 bits of entropy, unlike a password.)

const TOKEN_BYTES = 32;
export const API_TOKEN_PREFIX = 'kam_';

export function newSessionId(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
}

export function digestSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
