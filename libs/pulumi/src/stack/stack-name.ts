import type { ResourceRequest } from '@berth/core';
import { fitName, type NameRule } from '../naming/resource-name';

/** The Pulumi project every Berth stack belongs to. */
export const PULUMI_PROJECT = 'berth';

/** Pulumi stack names: letters, digits, `-`, `_`, `.`; at most 100. */
export const STACK_NAME_RULE: NameRule = { maxLength: 100, allowed: /[A-Za-z0-9._-]/, separator: '.' };

/** The Pulumi stack of one (environment, application, component): `<env>.<app>.<component>`. */
export function stackName(environment: string, application: string, component: string): string {
  return fitName(
    [environment, application, component].map((p) => p.replace(/\./g, '-')),
    STACK_NAME_RULE,
  );
}

export function stackNameOf(request: Pick<ResourceRequest, 'environment' | 'application' | 'component'>): string {
  return stackName(request.environment, request.application, request.component);
}
