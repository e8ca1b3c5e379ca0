import { CodedError } from '../errors/coded.error';

export enum SecretErrorCode {
  /** The key is not 32 bytes (AES-256) or not decodable. */
  InvalidKey = 'InvalidKey',
  /** The sealed secret names a key id the keyring does not hold. */
  UnknownKey = 'UnknownKey',
  /** Authentication failed: the ciphertext, iv, tag or associated data were altered, or the key is wrong. */
  Tampered = 'Tampered',
  /** The sealed secret is not well-formed (missing fields, bad base64, plaintext not a JSON object). */
  Malformed = 'Malformed',
}

/** Errors of the secrets module. Messages never contain key material or plaintext. */
export class SecretError extends CodedError<SecretErrorCode> {}
