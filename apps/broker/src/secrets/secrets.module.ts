import { Global, Module } from '@nestjs/common';
import { ManagedResourceRepository, SealedValueRepository } from '@berth/persistence';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { ConfigError } from '../config/config.error';
import { loadSecretKeys, SecretKeyring } from './secret-keyring';
import { unknownSealingKeys } from './secret-resealer';
import { SecretStore } from './secret-store';

/**
 * The service's secret keys (checked at boot against what the database holds) and the store of everything sealed with
 * them (revision secrets, held inputs, connection secrets).
 */
@Global()
@Module({
  providers: [
    {
      provide: SecretKeyring,
      useFactory: async (config: BerthConfig, values: SealedValueRepository) => {
        const keyring = new SecretKeyring(loadSecretKeys(config.dataDir, config.secretKeys));
        const unknown = await unknownSealingKeys(values, keyring);
        if (unknown.length > 0)
          throw new ConfigError(
            `BERTH_SECRET_KEYS: lacks the key${unknown.length > 1 ? 's' : ''} that sealed stored connection secrets (${unknown
              .map((u) => `key id ${u.keyId}: ${u.count} version(s)`)
              .join(', ')}); list it after the sealing key until \`npm run reseal\` has re-encrypted them`,
          );
        return keyring;
      },
      inject: [BERTH_CONFIG, SealedValueRepository],
    },
    {
      provide: SecretStore,
      useFactory: (keyring: SecretKeyring, resources: ManagedResourceRepository) => new SecretStore(keyring, resources),
      inject: [SecretKeyring, ManagedResourceRepository],
    },
  ],
  exports: [SecretKeyring, SecretStore],
})
export class SecretsModule {}
