import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

// Passwords are stored as scrypt hashes (RFC 7914) with a 16-byte random salt per user and
// compared in constant time. N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s per check on this server;
// OWASP's cheat sheet recommends 2^17 where logins can afford ~0.4 s). The parameters are stored
// in each hash, so raising them later leaves old hashes verifiable.
const SCRYPT_N = 32_768;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/** Minimum password length (NIST SP 800-63B §5.1.1.2: at least 8 characters). */
export const PASSWORD_MIN_LENGTH = 8;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 128 * n * r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P);
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// Compared against when the user does not exist, so an unknown username costs the same time
// as a wrong password and response times do not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

/** Constant-time check; a malformed or missing hash simply fails. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const hash = stored ?? (await (dummyHash ??= hashPassword(randomBytes(12).toString('hex'))));
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > 1_048_576) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await derive(password, salt, n, r, p);
  const ok = expected.length === actual.length && timingSafeEqual(expected, actual);
  return ok && stored != null;
}

/** A random password for demo users: 18 characters of base64url (108 bits). */
export function generatePassword(): string {
  return randomBytes(14).toString('base64url').slice(0, 18);
}
