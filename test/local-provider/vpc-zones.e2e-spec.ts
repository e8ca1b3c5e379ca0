import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_LIFECYCLE, waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { startTestApp, type TestApp } from '../support/test-app';

const vpcYaml = (zone: string) => `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: net
spec:
  components:
    - name: net
      type: vpc
      properties:
        cidr: 10.42.0.0/16
        vswitches:
          - zone: ${JSON.stringify(zone)}
`;

/**
 * Zones are any cloud's zone names in the schema, so the local environment takes `zone-a`; the Alibaba Cloud format is
 * the alicloud/apsara provider's own check (providers/alicloud/src/profile/alicloud-zone.spec.ts). Through the HTTP API.
 */
describe('vpc zones on the local environment: any zone name', () => {
  let t: TestApp;

  const put = (env: string, zone: string, query = '') =>
    request(t.server)
      .put(`/v1/environments/${env}/applications/net${query}`)
      .set('Content-Type', 'application/yaml')
      .send(vpcYaml(zone));

  beforeAll(async () => {
    t = await startTestApp('sqlite', { config: { role: 'all', lifecycle: FAST_LIFECYCLE, refreshIntervalMs: 0 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('local accepts zone-a and provisions the vSwitch in it', async () => {
    const answer = await put('local', 'zone-a');
    expect(answer.status, answer.text).toBe(201);
    const op = await waitForOperation(t.server, answer.body.operation.id, 60_000);
    expect(op.state, JSON.stringify(op)).toBe('Succeeded');
    const app = (await request(t.server).get('/v1/environments/local/applications/net').expect(200)).body;
    expect(app.spec.components[0].properties.vswitches[0].zone).toBe('zone-a');
    const net = app.status.components.find((c: { name: string }) => c.name === 'net');
    expect(net.phase).toBe('Ready');
    expect(net.outputs.VSWITCH_ID).toBeTruthy();
  });

  it('a zone that is no zone name at all is refused everywhere, naming the field and the expected form', async () => {
    const answer = await put('local', 'zone a/../b');
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      {
        path: '/spec/components/0/properties/vswitches/0/zone',
        message: expect.stringContaining('a zone name such as zone-a'),
      },
    ]);
  });
});
