import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiTokenRepository, RoleBindingRepository, type ApiTokenEntity } from '@berth/persistence';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { isDns1123Label } from '../validation/names';
import { CredentialCache } from './credential-cache';
import { bindingProblems, type RoleBindingInput } from './role-bindings.service';
import { newTokenSecret, sameHash, tokenHash } from './token-secret';

export interface TokenInput {
  name: string;
  owner?: string;
  /** ISO 8601 time, or omitted for a token that does not expire. */
  expiresAt?: string;
  /** Role bindings given to the token at creation (`{role, scope}`). */
  roles?: Array<Omit<RoleBindingInput, 'subject'>>;
}

export interface TokenView {
  id: string;
  name: string;
  owner: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  /** The token's role bindings, as `role@scope`. */
  scopes: string[];
}

export const tokenSubject = (name: string) => `token:${name}`;

/** Why a known token identifies nobody at `now` (revoked, expired), or undefined when it still does. */
export function tokenRefusal(row: ApiTokenEntity, now: Date): string | undefined {
  if (row.revokedAt) return `token ${row.name} was revoked`;
  if (row.expiresAt && row.expiresAt <= now) return `token ${row.name} expired`;
  return undefined;
}

type Problem = { path: string; message: string };

function invalid(problems: Problem[]): BrokerError {
  const first = problems[0]!;
  return new BrokerError(BrokerErrorCode.Invalid, `invalid token: ${first.path.slice(1)} ${first.message}`, problems);
}

/** The problems of a token request as the caller wrote it; the parsed expiry when there are none. */
function tokenProblems(input: unknown, now: Date): { problems: Problem[]; expiresAt: Date | null } {
  const problems: Problem[] = [];
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { problems: [{ path: '', message: 'must be an object {name, owner, expiresAt, roles}' }], expiresAt: null };
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body))
    if (!['name', 'owner', 'expiresAt', 'roles'].includes(key))
      problems.push({ path: `/${key}`, message: 'is not a field of a token (name, owner, expiresAt, roles)' });
  if (typeof body.name !== 'string' || !isDns1123Label(body.name))
    problems.push({ path: '/name', message: 'must be a DNS-1123 label (lowercase letters, digits, -; 63 at most)' });
  if (body.owner !== undefined && (typeof body.owner !== 'string' || body.owner.length < 1 || body.owner.length > 200))
    problems.push({ path: '/owner', message: 'must be a string of 1 to 200 characters' });
  let expiresAt: Date | null = null;
  if (body.expiresAt !== undefined) {
    const parsed = typeof body.expiresAt === 'string' ? new Date(body.expiresAt) : new Date(NaN);
    if (Number.isNaN(parsed.getTime()))
      problems.push({ path: '/expiresAt', message: 'must be an ISO 8601 time such as 2027-01-31T00:00:00Z' });
    else if (parsed <= now) problems.push({ path: '/expiresAt', message: 'must be in the future' });
    else expiresAt = parsed;
  }
  if (body.roles !== undefined) {
    if (!Array.isArray(body.roles)) problems.push({ path: '/roles', message: 'must be a list of {role, scope}' });
    else body.roles.forEach((role, i) => problems.push(...bindingProblems(role, `/roles/${i}`, false)));
  }
  return { problems, expiresAt };
}

@Injectable()
export class TokensService {
  constructor(
    @Inject(ApiTokenRepository) private readonly tokens: ApiTokenRepository,
    @Inject(RoleBindingRepository) private readonly bindings: RoleBindingRepository,
    @Inject(CredentialCache) private readonly known: CredentialCache,
  ) {}

  /** Creates a token and its role bindings in one transaction; the secret is returned here and never again. */
  async create(input: unknown, createdBy: string): Promise<{ token: string; view: TokenView }> {
    const now = new Date();
    const { problems, expiresAt } = tokenProblems(input, now);
    if (problems.length) throw invalid(problems);
    const body = input as TokenInput;
    const secret = newTokenSecret();
    const row: ApiTokenEntity = {
      id: randomUUID(),
      name: body.name,
      owner: body.owner ?? createdBy,
      hash: tokenHash(secret),
      createdAt: now,
      expiresAt,
      revokedAt: null,
    };
    const roles = body.roles ?? [];
    const created = await this.tokens.create(row, tokenSubject(row.name), roles);
    this.known.forgetAll();
    if (!created)
      throw new BrokerError(
        BrokerErrorCode.Conflict,
        `a token named ${row.name} exists already (names are never reused)`,
      );
    return { token: secret, view: await this.view(row) };
  }

  async list(): Promise<TokenView[]> {
    const rows = await this.tokens.list();
    return Promise.all(rows.map((row) => this.view(row)));
  }

  async get(name: string): Promise<TokenView> {
    return this.view(await this.require(name));
  }

  /** Revokes the token; the next request made with it is refused. Revoking twice is a no-op. */
  async revoke(name: string): Promise<TokenView> {
    const row = await this.require(name);
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await this.tokens.revoke(row.id, row.revokedAt);
      this.known.forgetAll();
    }
    return this.view(row);
  }

  /** Whether any token exists (the bootstrap admin token is made only on a service without one). */
  async any(): Promise<boolean> {
    return this.tokens.any();
  }

  /**
   * The token a secret belongs to, or why it identifies nobody. Looked up by its hash (unique), then the stored and
   * computed hashes are compared in constant time.
   */
  async authenticate(secret: string, now = new Date()): Promise<ApiTokenEntity | { refused: string }> {
    const hash = tokenHash(secret);
    const row = await this.tokens.findByHash(hash);
    if (!row || !sameHash(row.hash, hash)) return { refused: 'the token is not known' };
    const refused = tokenRefusal(row, now);
    return refused ? { refused } : row;
  }

  private async require(name: string): Promise<ApiTokenEntity> {
    const row = await this.tokens.findByName(name);
    if (!row) throw BrokerError.notFound(`token ${JSON.stringify(name.slice(0, 100))}`);
    return row;
  }

  private async view(row: ApiTokenEntity): Promise<TokenView> {
    const bindings = await this.bindings.list(tokenSubject(row.name));
    return {
      id: row.id,
      name: row.name,
      owner: row.owner,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      scopes: bindings.map((b) => `${b.role}@${b.scope}`),
    };
  }
}
