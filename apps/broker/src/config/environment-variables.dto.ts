import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LOG_LEVELS } from './berth-config';

/** What each variable expects, in words; also the validation message (the loader adds the variable and the value). */
export const EXPECTATIONS = {
  BERTH_HOST: 'must be a host name or an IP address (e.g. 127.0.0.1, 0.0.0.0, ::)',
  BERTH_PORT: 'must be an integer between 0 and 65535',
  BERTH_DATA_DIR: 'must be a non-empty directory path',
  DATABASE_URL: 'must be a postgres:// or postgresql:// URL, or unset for the embedded SQLite database',
  BERTH_MAX_BODY_BYTES: 'must be an integer number of bytes between 1024 and 1073741824',
  BERTH_LOG_LEVEL: `must be one of ${LOG_LEVELS.join(', ')}`,
  BERTH_MIGRATE_ON_BOOT: 'must be true or false',
} as const;

export type VariableName = keyof typeof EXPECTATIONS;

const strictInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : value === undefined ? undefined : NaN;

const strictBoolean = ({ value }: { value: unknown }) => {
  if (value === undefined) return undefined;
  const text = String(value).trim().toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  return value;
};

const emptyAsUnset = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

/** The environment variables Berth reads, as class-validator rules. Explicit transforms: no decorator metadata needed. */
export class EnvironmentVariables {
  @IsOptional()
  @IsString({ message: EXPECTATIONS.BERTH_HOST })
  @MaxLength(253, { message: EXPECTATIONS.BERTH_HOST })
  @Matches(HOST_PATTERN, { message: EXPECTATIONS.BERTH_HOST })
  @Transform(emptyAsUnset)
  BERTH_HOST?: string;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_PORT })
  @Min(0, { message: EXPECTATIONS.BERTH_PORT })
  @Max(65535, { message: EXPECTATIONS.BERTH_PORT })
  BERTH_PORT?: number;

  @IsOptional()
  @IsString({ message: EXPECTATIONS.BERTH_DATA_DIR })
  @MinLength(1, { message: EXPECTATIONS.BERTH_DATA_DIR })
  @Matches(/^[^\0]+$/, { message: EXPECTATIONS.BERTH_DATA_DIR })
  BERTH_DATA_DIR?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: EXPECTATIONS.DATABASE_URL })
  @Matches(/^postgres(?:ql)?:\/\/[^\s]+$/i, { message: EXPECTATIONS.DATABASE_URL })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: EXPECTATIONS.BERTH_MAX_BODY_BYTES })
  @Min(1024, { message: EXPECTATIONS.BERTH_MAX_BODY_BYTES })
  @Max(1024 * 1024 * 1024, { message: EXPECTATIONS.BERTH_MAX_BODY_BYTES })
  BERTH_MAX_BODY_BYTES?: number;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value !== '' ? value.trim().toLowerCase() : undefined,
  )
  @IsIn(LOG_LEVELS, { message: EXPECTATIONS.BERTH_LOG_LEVEL })
  BERTH_LOG_LEVEL?: string;

  @IsOptional()
  @Transform(strictBoolean)
  @IsBoolean({ message: EXPECTATIONS.BERTH_MIGRATE_ON_BOOT })
  BERTH_MIGRATE_ON_BOOT?: boolean;
}
