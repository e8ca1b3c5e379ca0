import { describe, expect, it } from 'vitest';
import { fitName } from '@berth/pulumi';
import { NAME_RULES } from './resource-names';

describe('deterministic resource names', () => {
  it('joins berth/environment/application/component and keeps short names readable', () => {
    expect(fitName(['berth', 'prod', 'shop', 'db'], NAME_RULES.rdsAccount)).toBe('berth_prod_shop_db');
  });

  it('fits long names within each limit with a hash, so distinct long names stay distinct', () => {
    const a = fitName(['berth', 'x'.repeat(30), 'y'.repeat(30), 'a'], NAME_RULES.rdsAccount);
    const b = fitName(['berth', 'x'.repeat(30), 'y'.repeat(30), 'b'], NAME_RULES.rdsAccount);
    expect(a.length).toBeLessThanOrEqual(32);
    expect(b.length).toBeLessThanOrEqual(32);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(fitName(['berth', 'x'.repeat(30), 'y'.repeat(30), 'a'], NAME_RULES.rdsAccount)).toBe(a);
  });
});
