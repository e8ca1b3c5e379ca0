import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);
const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, PostgreSQL's
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`). `CREATE/ALTER ROLE … PASSWORD '<verifier>'` stores it
 * as given, so the plain password never travels to the server and cannot land in its log (PostgreSQL logs the text of
 * a failing statement). Written here because neither pg nor another maintained package exports it; psql's
 * `\password` does the same client-side.
 */
export async function scramVerifier(password: string): Promise<string | undefined> {
  // PostgreSQL (and libpq) apply SASLprep to the password, which is the identity on printable ASCII. Anything else is
  // left for the server to hash (undefined: send the password itself) rather than risk a verifier no client matches.
  if (!/^[\x20-\x7e]*$/.test(password)) return undefined;
  const salt = randomBytes(16);
  const salted = await derive(password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
