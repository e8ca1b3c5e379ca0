import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { BrokerError } from '../problems/broker.error';
import { SecretStore } from '../secrets/secret-store';
import { RequirePermission } from '../access/permission.decorator';
import { PERMISSIONS } from '../access/permissions';

const shown = (text: string) => JSON.stringify(text.slice(0, 100));

/**
 * The route the External Secrets Operator's webhook provider reads: one key of one connection secret, as
 * `{"value": "…"}` (ESO extracts it with the JSONPath `$.value`). Needs `secrets:read` on the application — a role on
 * the service, its environment, or (the narrow token ESO is given) `application:<env>/<app>` — and is audited as a
 * secret read.
 */
@ApiTags('applications')
@Controller('v1/environments/:env/applications')
export class ConnectionSecretKeyController {
  constructor(
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(SecretStore) private readonly secretStore: SecretStore,
  ) {}

  @Get(':app/connection-secrets/:secret/keys/:key')
  @RequirePermission(PERMISSIONS.secretsRead, { scope: 'application' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Read one key of a connection secret (the External Secrets Operator webhook endpoint)',
  })
  @ApiOkResponse({
    description: '`{ value, version }`: the value of the key in the latest version of the connection secret',
    schema: {
      type: 'object',
      required: ['value', 'version'],
      properties: { value: { type: 'string' }, version: { type: 'integer' } },
    },
  })
  @ApiNotFoundResponse({ description: 'Unknown environment, application, connection secret or key' })
  async read(
    @Param('env') environment: string,
    @Param('app') application: string,
    @Param('secret') secret: string,
    @Param('key') key: string,
  ): Promise<{ value: string; version: number }> {
    await this.lifecycle.requireApplication(environment, application);
    const [material] = await this.secretStore.materials(environment, application, { name: secret });
    if (!material)
      throw BrokerError.notFound(`connection secret ${shown(secret)} of application ${application} in ${environment}`);
    const value = material.data[key];
    if (value === undefined)
      throw BrokerError.notFound(
        `key ${shown(key)} of connection secret ${material.name} (it has ${Object.keys(material.data).sort().join(', ')})`,
      );
    return { value, version: material.version };
  }
}
