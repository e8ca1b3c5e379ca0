import { randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
/**
 * Alibaba Cloud RDS (MySQL and PostgreSQL) accepts `!@#$%^&*()_+-=` as special characters. Of those, only `-` and `_`
 * survive unescaped in URLs (DB_URL), shells, YAML and dotenv files, so only they are used.
 */
const SPECIAL = '-_';
const ALL = UPPER + LOWER + DIGITS + SPECIAL;

/** RDS accepts 8 to 32 characters. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 32;

/**
 * A crypto-strong password RDS MySQL and PostgreSQL accept: at least one upper-case letter, one lower-case letter, one
 * digit and one special character (RDS asks for three of the four classes), never starting with a special character,
 * without look-alike characters (0/O, 1/l/I). 24 characters give about 140 bits of entropy.
 */
export function generatePassword(length = 24): string {
  if (!Number.isInteger(length) || length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new RangeError(`password length must be an integer from ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH}`);
  }
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SPECIAL)];
  while (chars.length < length) chars.push(pick(ALL));
  // Fisher–Yates with a crypto-strong source, then make sure the first character is alphanumeric.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  if (SPECIAL.includes(chars[0]!)) {
    const k = chars.findIndex((c) => !SPECIAL.includes(c));
    [chars[0], chars[k]] = [chars[k]!, chars[0]!];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)]!;
}
