import { describe, expect, it } from 'vitest';
import { Identity } from './identity';
import { PERMISSIONS } from './permissions';
import { bindingProblems } from './role-bindings.service';

const identity = (role: string, scope: string) => new Identity('token:t', 't', [], [{ role, scope }]);

describe('role scopes', () => {
  it('an application scope grants its role on that one application and nothing of the environment', () => {
    const eso = identity('secret-reader', 'application:dev/shop');
    expect(eso.canOnApplication(PERMISSIONS.secretsRead, 'dev', 'shop')).toBe(true);
    expect(eso.canOnApplication(PERMISSIONS.secretsRead, 'dev', 'other')).toBe(false);
    expect(eso.canOnApplication(PERMISSIONS.secretsRead, 'prod', 'shop')).toBe(false);
    expect(eso.canIn(PERMISSIONS.applicationsRead, 'dev')).toBe(false);
    expect(eso.knows('dev')).toBe(false);
    expect(eso.knowsApplication('dev', 'shop')).toBe(true);
    expect(eso.canOnService(PERMISSIONS.secretsRead)).toBe(false);
  });

  it('an environment or service scope covers every application in it', () => {
    expect(identity('secret-reader', 'environment:dev').canOnApplication(PERMISSIONS.secretsRead, 'dev', 'any')).toBe(
      true,
    );
    expect(identity('secret-reader', 'environment:dev').canOnApplication(PERMISSIONS.secretsRead, 'prod', 'any')).toBe(
      false,
    );
    expect(identity('admin', 'service').canOnApplication(PERMISSIONS.secretsRead, 'prod', 'any')).toBe(true);
    expect(identity('viewer', 'environment:dev').canOnApplication(PERMISSIONS.secretsRead, 'dev', 'shop')).toBe(false);
  });

  it('refuses a malformed scope in a binding, naming the forms', () => {
    for (const scope of ['application:dev', 'application:Dev/shop', 'application:dev/shop/x', 'app:dev/shop'])
      expect(bindingProblems({ subject: 'token:t', role: 'viewer', scope }, '')).toEqual([
        { path: '/scope', message: expect.stringContaining('application:<environment name>/<application name>') },
      ]);
    expect(bindingProblems({ subject: 'token:t', role: 'viewer', scope: 'application:dev/shop' }, '')).toEqual([]);
  });
});
