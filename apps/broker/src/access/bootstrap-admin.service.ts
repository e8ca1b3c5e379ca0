import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { TokensService } from './tokens.service';

export const ADMIN_TOKEN_FILE = 'admin.token';
export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';

/**
 * On a service without any token, creates an admin token (role admin on the whole service) and writes it to
 * `<data dir>/admin.token`, readable by the service user only. The log names the file (after the boot line), never
 * the token.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  constructor(
    @Inject(TokensService) private readonly tokens: TokensService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** The file written by this start (undefined when the service had a token already); main.ts logs its path. */
  createdTokenFile?: string;

  async onApplicationBootstrap(): Promise<void> {
    if (await this.tokens.any()) return;
    const { token } = await this.tokens.create(
      { name: BOOTSTRAP_TOKEN_NAME, owner: 'bootstrap', roles: [{ role: 'admin', scope: 'service' }] },
      'bootstrap',
    );
    mkdirSync(this.config.dataDir, { recursive: true });
    const path = join(this.config.dataDir, ADMIN_TOKEN_FILE);
    writeFileSync(path, `${token}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    this.createdTokenFile = path;
  }
}
