import { describe, expect, it } from 'vitest';
import { readApplyOnce } from './apply-once';
import { deliveryAnnotations, withDeliveryAnnotations } from './delivery-annotations';
import { readPolicies } from './read-policies';
import { readReadOnly } from './read-only';

const { policies } = readPolicies([
  {
    name: 'once',
    type: 'apply-once',
    properties: { enable: true, rules: [{ selector: { componentNames: ['db'] }, strategy: { path: ['storageGB'] } }] },
  },
  { name: 'ro', type: 'read-only', properties: { rules: [{ selector: { componentTypes: ['vpc'] } }] } },
]);

describe("Berth's delivery annotations", () => {
  it('say which components are applied once and which are only read', () => {
    const annotations = deliveryAnnotations(policies, new Map(), [
      { name: 'db', type: 'rds' },
      { name: 'net', type: 'vpc' },
    ]);
    expect([...readApplyOnce(annotations)]).toEqual([['db', { path: ['storageGB'], affect: 'onUpdate' }]]);
    expect([...readReadOnly(annotations)]).toEqual(['net']);
    expect(deliveryAnnotations(policies, new Map(), [{ name: 'web', type: 'webservice' }])).toEqual({});
  });

  it("replace written values of Berth's own keys and keep the others", () => {
    expect(withDeliveryAnnotations({ team: 'a', 'berth.dev/read-only': 'db' }, {})).toEqual({ team: 'a' });
    expect(withDeliveryAnnotations({ 'berth.dev/apply-once': '{}' }, undefined)).toBeUndefined();
    expect(withDeliveryAnnotations(undefined, { 'berth.dev/read-only': 'net' })).toEqual({
      'berth.dev/read-only': 'net',
    });
  });
});
