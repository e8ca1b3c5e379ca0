import {
  emptyAsUnset,
  readEnvSettings,
  type ReadSettings,
  type SettingProblem,
  type SettingsEnvironment,
} from '@berth/core';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import type { LocalProviderOptions } from '../local-provider.options';

/** What each BERTH_LOCAL_* variable expects, in words; also its validation message. */
export const LOCAL_PROVIDER_EXPECTATIONS = {
  BERTH_LOCAL_POSTGRES_URL: 'must be a postgres:// or postgresql:// URL',
  BERTH_LOCAL_MYSQL_URL: 'must be a mysql:// URL',
  BERTH_LOCAL_REDIS_URL: 'must be a redis:// or rediss:// URL (an admin user of Redis 6.2 or newer)',
  BERTH_LOCAL_S3_URL: 'must be an http:// or https:// URL',
  BERTH_LOCAL_S3_ACCESS_KEY_ID: 'must be a non-empty string',
  BERTH_LOCAL_S3_SECRET_ACCESS_KEY: 'must be a non-empty string',
} as const;

type LocalVariable = keyof typeof LOCAL_PROVIDER_EXPECTATIONS;

/** The provider option each variable sets. */
const OPTION_OF: Record<LocalVariable, keyof LocalProviderOptions> = {
  BERTH_LOCAL_POSTGRES_URL: 'postgresAdminUrl',
  BERTH_LOCAL_MYSQL_URL: 'mysqlAdminUrl',
  BERTH_LOCAL_REDIS_URL: 'redisUrl',
  BERTH_LOCAL_S3_URL: 's3Url',
  BERTH_LOCAL_S3_ACCESS_KEY_ID: 's3AccessKeyId',
  BERTH_LOCAL_S3_SECRET_ACCESS_KEY: 's3SecretAccessKey',
};

/** The local provider's environment variables, as class-validator rules. */
export class LocalProviderSettings {
  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_POSTGRES_URL })
  @Matches(/^postgres(?:ql)?:\/\/[^\s]+$/i, { message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_POSTGRES_URL })
  BERTH_LOCAL_POSTGRES_URL?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_MYSQL_URL })
  @Matches(/^mysql:\/\/[^\s]+$/i, { message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_MYSQL_URL })
  BERTH_LOCAL_MYSQL_URL?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_REDIS_URL })
  @Matches(/^rediss?:\/\/[^\s]+$/i, { message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_REDIS_URL })
  BERTH_LOCAL_REDIS_URL?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_S3_URL })
  @Matches(/^https?:\/\/[^\s]+$/i, { message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_S3_URL })
  BERTH_LOCAL_S3_URL?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_S3_ACCESS_KEY_ID })
  @MinLength(1, { message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_S3_ACCESS_KEY_ID })
  BERTH_LOCAL_S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_S3_SECRET_ACCESS_KEY })
  @MinLength(1, { message: LOCAL_PROVIDER_EXPECTATIONS.BERTH_LOCAL_S3_SECRET_ACCESS_KEY })
  BERTH_LOCAL_S3_SECRET_ACCESS_KEY?: string;
}

export interface LocalSettingsRead {
  /** The options the variables set (only those given). */
  options: Partial<LocalProviderOptions>;
  problems: SettingProblem[];
}

/** Reads BERTH_LOCAL_* from `env` into provider options; a bad variable is a problem naming it (never thrown). */
export function readLocalProviderSettings(env: SettingsEnvironment): LocalSettingsRead {
  const { values, problems }: ReadSettings<LocalProviderSettings> = readEnvSettings(
    {
      settings: LocalProviderSettings,
      expectations: LOCAL_PROVIDER_EXPECTATIONS,
      secret: ['BERTH_LOCAL_S3_SECRET_ACCESS_KEY'],
    },
    env,
  );
  // A bad variable is left out (and reported): nothing runs on a value boot refused.
  const bad = new Set(problems.map((problem) => problem.variable));
  const options: Partial<LocalProviderOptions> = {};
  for (const [variable, option] of Object.entries(OPTION_OF) as Array<[LocalVariable, keyof typeof options]>) {
    const value = values[variable];
    if (!bad.has(variable) && typeof value === 'string' && value !== '') Object.assign(options, { [option]: value });
  }
  return { options, problems };
}
