import { Global, Module } from '@nestjs/common';
import { ManagedResourceRepository } from '@berth/persistence';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { loadSecretKey, SecretKeyring } from './secret-keyring';
import { SecretStore } from './secret-store';

/** The service's secret key and the store of everything sealed with it (revision secrets, held inputs, connection secrets). */
@Global()
@Module({
  providers: [
    {
      provide: SecretKeyring,
      useFactory: (config: BerthConfig) => new SecretKeyring(loadSecretKey(config.dataDir, config.secretKey)),
      inject: [BERTH_CONFIG],
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
