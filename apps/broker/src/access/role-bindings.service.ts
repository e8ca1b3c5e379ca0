import { Inject, Injectable } from '@nestjs/common';
import { RoleBindingRepository, type RoleBindingEntity } from '@berth/persistence';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { CredentialCache } from './credential-cache';
import { parseScope, ROLES } from './permissions';

export interface RoleBindingInput {
  subject: string;
  role: string;
  scope: string;
}

const SUBJECT_PATTERN = /^(token|user|group):[^\s]{1,290}$/;

/** The problems of one binding as the caller wrote it, under `path` (a JSON pointer prefix). */
export function bindingProblems(input: unknown, path: string, withSubject = true) {
  const problems: Array<{ path: string; message: string }> = [];
  const body = (input ?? {}) as Record<string, unknown>;
  if (withSubject && (typeof body.subject !== 'string' || !SUBJECT_PATTERN.test(body.subject)))
    problems.push({
      path: `${path}/subject`,
      message: 'must be token:<token name>, user:<OIDC subject> or group:<OIDC group>',
    });
  if (typeof body.role !== 'string' || !(ROLES as readonly string[]).includes(body.role))
    problems.push({ path: `${path}/role`, message: `must be one of ${ROLES.join(', ')}` });
  if (typeof body.scope !== 'string' || !parseScope(body.scope))
    problems.push({
      path: `${path}/scope`,
      message: 'must be service, environment:<environment name> or application:<environment name>/<application name>',
    });
  return problems;
}

export interface RoleBindingView {
  id: string;
  subject: string;
  role: string;
  scope: string;
  createdAt: string;
}

export const toRoleBindingView = (row: RoleBindingEntity): RoleBindingView => ({
  id: row.id,
  subject: row.subject,
  role: row.role,
  scope: row.scope,
  createdAt: row.createdAt.toISOString(),
});

@Injectable()
export class RoleBindingsService {
  constructor(
    @Inject(RoleBindingRepository) private readonly bindings: RoleBindingRepository,
    @Inject(CredentialCache) private readonly known: CredentialCache,
  ) {}

  /** The bindings of any of these subjects (a token's own; an OIDC user's and each of its groups'). */
  forSubjects(subjects: string[]): Promise<RoleBindingEntity[]> {
    return this.bindings.forSubjects(subjects);
  }

  list(subject?: string): Promise<RoleBindingEntity[]> {
    return this.bindings.list(subject);
  }

  /** Creates the binding (an identical one is returned as it is). */
  async create(input: unknown): Promise<{ binding: RoleBindingEntity; created: boolean }> {
    const problems = bindingProblems(input, '');
    if (problems.length)
      throw new BrokerError(
        BrokerErrorCode.Invalid,
        `invalid role binding: ${problems[0]!.path.slice(1)} ${problems[0]!.message}`,
        problems,
      );
    const { subject, role, scope } = input as RoleBindingInput;
    const ensured = await this.bindings.ensure({ subject, role, scope });
    this.known.forgetAll();
    return ensured;
  }

  async delete(id: string): Promise<RoleBindingEntity> {
    const row = await this.bindings.find(id);
    if (!row) throw BrokerError.notFound(`role binding ${JSON.stringify(id.slice(0, 100))}`);
    await this.bindings.delete(id);
    this.known.forgetAll();
    return row;
  }

  async deleteForSubject(subject: string): Promise<void> {
    await this.bindings.deleteForSubject(subject);
    this.known.forgetAll();
  }
}
