import { Module } from '@nestjs/common';
import { ConnectionSecretKeyController } from './connection-secret-key.controller';

/**
 * GitOps without secret values: the route the External Secrets Operator reads connection secrets from (the
 * manifests view renders the matching SecretStore and ExternalSecrets, see external-secret.renderer.ts).
 */
@Module({ controllers: [ConnectionSecretKeyController] })
export class ExternalSecretsModule {}
