/**
 * Shared Application fixtures for unit, end-to-end and benchmark code. Each is a valid Application; tests derive
 * invalid variants from them. Passwords in here are made-up sample values (KubeVela's docs use literal passwords too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The examples users read are the fixtures tests use: one copy, so they cannot drift apart. */
function readExample(file: string): string {
  return readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', file), 'utf8');
}

/** The README quickstart: a web service bound to a PostgreSQL RDS instance and an OSS bucket. */
export const quickstartYaml = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: quickstart
spec:
  components:
    - name: api
      type: webservice
      properties:
        image: ghcr.io/berth-examples/quickstart-api:1.0.0
        port: 8080
        env:
          - name: LOG_LEVEL
            value: info
      traits:
        - type: service-binding
          properties:
            envMappings:
              PGHOST: { secret: db, key: DB_HOST }
              PGPORT: { secret: db, key: DB_PORT }
              PGUSER: { secret: db, key: DB_USER }
              PGPASSWORD: { secret: db, key: DB_PASSWORD }
              PGDATABASE: { secret: db, key: DATABASE_NAME }
              BUCKET_NAME: { secret: assets }
              BUCKET_ENDPOINT: { secret: assets }
    - name: db
      type: rds
      properties:
        engine: postgresql
        databaseName: app
        accountName: app
    - name: assets
      type: oss
      properties:
        acl: private
`;

/**
 * A KubeVela-style Application (terraform-alibaba addon): \`alibaba-rds\` and \`alibaba-oss\` with KubeVela property
 * names, a literal password, and connection secrets named through \`writeConnectionSecretToRef\`, consumed by a
 * webservice through \`service-binding\` exactly as KubeVela documents it.
 */
export const kubeVelaYaml = readExample('kubevela.yaml');

/** The canonical twin of {@link kubeVelaYaml}: the same application with Berth's types and property names. */
export const kubeVelaCanonicalYaml = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: webapp
spec:
  components:
    - name: express-server
      type: webservice
      properties:
        image: oamdev/hello-world:v1
        port: 8000
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_HOST: { secret: db-conn, key: DB_HOST }
              DB_USER: { secret: db-conn, key: DB_USER }
              DB_PASSWORD: { secret: db-conn, key: DB_PASSWORD }
              BUCKET_NAME: { secret: bucket-conn }
    - name: sample-db
      type: rds
      writeConnectionSecretToRef:
        name: db-conn
      properties:
        engine: mysql
        engineVersion: '8.0'
        instanceClass: rds.mysql.c1.large
        instanceName: sample-db
        accountName: oamtest
        password: U34rfwefwefffaked
        databaseName: app
        privilege: ReadWrite
        securityIps: [10.0.0.0/8]
        publicConnection: false
    - name: sample-oss
      type: oss
      writeConnectionSecretToRef:
        name: bucket-conn
      properties:
        bucket: berth-webapp-sample-bucket
        acl: private
`;

/** A production-shaped application: a VPC, an RDS instance inside it, a load balancer, a bucket and a web service. */
export const productionYaml = readExample('production-alicloud.yaml');

type Json = Record<string, unknown>;

/**
 * A valid Application with exactly `n` components, as a plain object. Components come in groups of five —
 * vpc, rds (in that vpc), oss, slb (in that vpc), webservice bound to the group's rds, oss and slb — so every
 * reference resolves even when `n` is not a multiple of five.
 */
export function applicationWithComponents(n: number, name = 'generated'): Json {
  const components: Json[] = [];
  for (let i = 0; i < n; i++) {
    const group = Math.floor(i / 5);
    const net = `net-${group}`;
    const db = `db-${group}`;
    const bucket = `bucket-${group}`;
    const lb = `lb-${group}`;
    switch (i % 5) {
      case 0:
        components.push({ name: net, type: 'vpc', properties: { cidr: `10.${group % 256}.0.0/16` } });
        break;
      case 1:
        components.push({
          name: db,
          type: 'rds',
          properties: { engine: group % 2 === 0 ? 'postgresql' : 'mysql', databaseName: 'app', network: net },
        });
        break;
      case 2:
        components.push({ name: bucket, type: 'oss', properties: { acl: 'private' } });
        break;
      case 3:
        components.push({
          name: lb,
          type: 'slb',
          properties: {
            addressType: 'intranet',
            network: net,
            listeners: [{ port: 80, protocol: 'tcp', backendPort: 8080 }],
          },
        });
        break;
      default:
        components.push({
          name: `web-${group}`,
          type: group % 3 === 2 ? 'worker' : 'webservice',
          properties: {
            image: `registry.example.com/app/web:${group}`,
            ...(group % 3 === 2 ? {} : { port: 8080 }),
            replicas: 2,
          },
          traits: [
            {
              type: 'service-binding',
              properties: {
                envMappings: {
                  DB_HOST: { secret: db, key: 'DB_HOST' },
                  DB_PASSWORD: { secret: `${name}-${db}-conn`, key: 'DB_PASSWORD' },
                  BUCKET_NAME: { secret: bucket },
                  LB_ADDRESS: { secret: lb, key: 'SLB_ADDRESS' },
                },
              },
            },
          ],
        });
    }
  }
  return { apiVersion: 'core.oam.dev/v1beta1', kind: 'Application', metadata: { name }, spec: { components } };
}
