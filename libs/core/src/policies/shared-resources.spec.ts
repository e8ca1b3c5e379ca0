import { describe, expect, it } from 'vitest';
import { readPolicies } from './read-policies';
import {
  readSharedComponents,
  sharedComponentsAnnotation,
  sharedOwners,
  SHARED_COMPONENTS_ANNOTATION,
} from './shared-resources';

const { policies } = readPolicies([
  { name: 'share', type: 'shared-resource', properties: { rules: [{ selector: { componentTypes: ['rds'] } }] } },
]);
const db = { name: 'db', type: 'rds' };
const web = { name: 'web', type: 'webservice' };

describe('shared components', () => {
  it('are provisioned by the first delivery, in order, that has them', () => {
    const owners = sharedOwners(policies, [
      { environment: 'dev', components: [web] },
      { environment: 'staging', components: [web, db] },
      { environment: 'prod', components: [db] },
    ]);
    expect([...owners]).toEqual([['db', 'staging']]);
    expect(sharedComponentsAnnotation(owners, [web])).toBeUndefined();
    const annotation = sharedComponentsAnnotation(owners, [web, db])!;
    expect(annotation).toBe('db=staging');
    expect([...readSharedComponents({ [SHARED_COMPONENTS_ANNOTATION]: annotation })]).toEqual([['db', 'staging']]);
  });

  it('reads nothing from an absent or malformed annotation', () => {
    expect(readSharedComponents(undefined).size).toBe(0);
    expect(readSharedComponents({ [SHARED_COMPONENTS_ANNOTATION]: 'db,=x,y=' }).size).toBe(0);
  });
});
