import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcSettings } from '../config/berth-config';

export type OidcOutcome = { subject: string; groups: string[] } | { refused: string };

/** Why a JWT was refused, in words a caller can act on (never the token). */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the OIDC token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the OIDC token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return "the OIDC token's signature does not verify with the issuer's keys";
  if (error instanceof errors.JOSEError) return 'the OIDC token is not a valid JWT';
  return "the OIDC issuer's keys cannot be fetched right now";
}

/** Verifies bearer JWTs against the issuer's JWKS (cached and refreshed by jose): signature, issuer, audience, time. */
export class OidcVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: OidcSettings) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl));
  }

  async verify(token: string): Promise<OidcOutcome> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockSkewSeconds,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      return { refused: reason(error) };
    }
    const claim = payload[this.settings.groupsClaim];
    const groups = Array.isArray(claim) ? claim.filter((g): g is string => typeof g === 'string') : [];
    return { subject: String(payload.sub), groups };
  }
}
