import { AbilityBuilder, createMongoAbility, type MongoAbility, subject as casl } from '@casl/ability';
import {
  ANY_IDENTITY,
  type Permission,
  parseScope,
  ROLE_PERMISSIONS,
  type Role,
  ROLES,
  SERVICE_PERMISSIONS,
} from './permissions';

type Subjects =
  | 'Service'
  | 'Environment'
  | 'Application'
  | ReturnType<typeof casl<'Environment', { name: string }>>
  | ReturnType<typeof casl<'Application', { environment: string; name: string }>>;
export type BerthAbility = MongoAbility<[Permission, Subjects]>;

export interface GrantedRole {
  role: string;
  scope: string;
}

/** Who is calling, and what their role bindings let them do where. */
export class Identity {
  private readonly ability: BerthAbility;

  constructor(
    /** `token:<name>`, `user:<sub>`. */
    readonly subject: string,
    readonly tokenName: string | undefined,
    /** The OIDC groups the caller belongs to (tokens: none). */
    readonly groups: readonly string[],
    readonly roles: readonly GrantedRole[],
  ) {
    this.ability = abilityOf(roles);
  }

  /** May do `permission` on the whole service (service-wide permissions, and anything a service-wide role grants). */
  canOnService(permission: Permission): boolean {
    return this.ability.can(permission, 'Service');
  }

  /** May do `permission` in environment `name`. */
  canIn(permission: Permission, name: string): boolean {
    return this.ability.can(permission, casl('Environment', { name }));
  }

  /**
   * May do `permission` on application `name` of environment `environment`: what a role on the service or the
   * environment grants, or a role on that one application (`application:<environment>/<name>`).
   */
  canOnApplication(permission: Permission, environment: string, name: string): boolean {
    return this.ability.can(permission, casl('Application', { environment, name }));
  }

  /** Has any role in environment `name` (else the environment's names are not even shown to it). */
  knows(name: string): boolean {
    return this.canIn('environments:read', name);
  }

  /** Has any role on that application, through its environment or the application itself. */
  knowsApplication(environment: string, name: string): boolean {
    return this.canOnApplication('applications:read', environment, name);
  }
}

/** The CASL ability of a set of role bindings; bindings of an unknown role or scope grant nothing. */
export function abilityOf(roles: readonly GrantedRole[]): BerthAbility {
  const { can, build } = new AbilityBuilder<BerthAbility>(createMongoAbility);
  for (const permission of ANY_IDENTITY) can(permission, 'Service');
  for (const binding of roles) {
    if (!(ROLES as readonly string[]).includes(binding.role)) continue;
    const scope = parseScope(binding.scope);
    if (!scope) continue;
    for (const permission of ROLE_PERMISSIONS[binding.role as Role]) {
      if (scope.kind === 'service') {
        can(permission, 'Service');
        if (!SERVICE_PERMISSIONS.has(permission)) {
          can(permission, 'Environment');
          can(permission, 'Application');
        }
      } else if (SERVICE_PERMISSIONS.has(permission)) {
        continue;
      } else if (scope.kind === 'environment') {
        can(permission, 'Environment', { name: scope.environment });
        can(permission, 'Application', { environment: scope.environment });
      } else {
        // One application only: no route that acts on the whole environment (lists, environment reads) is granted.
        can(permission, 'Application', { environment: scope.environment, name: scope.application });
      }
    }
  }
  return build();
}
