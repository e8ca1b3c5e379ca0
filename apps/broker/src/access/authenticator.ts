import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { CredentialCache } from './credential-cache';
import { Identity } from './identity';
import { OidcVerifier } from './oidc.verifier';
import { RoleBindingsService } from './role-bindings.service';
import { looksLikeToken, tokenHash } from './token-secret';
import { tokenRefusal, tokenSubject, TokensService } from './tokens.service';

export type Authentication =
  | { identity: Identity }
  /** `counts`: a wrong credential (throttled), not a missing one. */
  | { refused: string; counts: boolean };

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Turns the `Authorization` header into an identity with its role bindings, or says why it does not identify anyone. */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(RoleBindingsService) private readonly bindings: RoleBindingsService,
    @Inject(CredentialCache) private readonly known: CredentialCache,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    this.oidc = config.oidc ? new OidcVerifier(config.oidc) : undefined;
  }

  private readonly oidc?: OidcVerifier;

  async authenticate(header: string | undefined): Promise<Authentication> {
    if (header === undefined || header.trim() === '')
      return {
        refused: 'no credentials: send Authorization: Bearer <token> (a berth_… API token or an OIDC token)',
        counts: false,
      };
    const credential = BEARER.exec(header)?.[1];
    if (!credential) return { refused: 'the Authorization header must be "Bearer <token>"', counts: true };
    if (looksLikeToken(credential)) {
      const known = await this.known.remember(`token ${tokenHash(credential)}`, async () => {
        const token = await this.tokens.authenticate(credential);
        if ('refused' in token) return token;
        return { token, roles: await this.bindings.forSubjects([tokenSubject(token.name)]) };
      });
      if ('refused' in known) return { refused: known.refused, counts: true };
      const { token, roles } = known;
      const refused = tokenRefusal(token, new Date());
      if (refused) return { refused, counts: true };
      return { identity: new Identity(tokenSubject(token.name), token.name, [], roles) };
    }
    if (this.oidc && JWT.test(credential)) {
      const verified = await this.oidc.verify(credential);
      if ('refused' in verified) return { refused: verified.refused, counts: true };
      const subject = `user:${verified.subject}`;
      const subjects = [subject, ...verified.groups.map((group) => `group:${group}`)];
      const { roles } = await this.known.remember(`subjects ${JSON.stringify(subjects)}`, async () => ({
        roles: await this.bindings.forSubjects(subjects),
      }));
      return { identity: new Identity(subject, undefined, verified.groups, roles) };
    }
    return {
      refused: this.oidc
        ? 'the bearer credential is neither a Berth API token (berth_…) nor a JWT'
        : 'the bearer credential is not a Berth API token (berth_…) and OIDC is not configured',
      counts: true,
    };
  }
}
