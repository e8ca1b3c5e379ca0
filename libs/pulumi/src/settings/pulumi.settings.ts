import {
  emptyAsUnset,
  readEnvSettings,
  strictInteger,
  type SettingProblem,
  type SettingsEnvironment,
} from '@berth/core';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/** What each BERTH_PULUMI_* variable expects, in words; also its validation message. */
export const PULUMI_EXPECTATIONS = {
  BERTH_PULUMI_COMMAND: 'must be the path (or the name on PATH) of the pulumi CLI binary, on one line',
  BERTH_PULUMI_PASSPHRASE: 'must be at least 16 characters (the passphrase of the Pulumi secrets provider)',
  BERTH_PULUMI_CONCURRENCY: 'must be an integer between 1 and 64 (Pulumi runs at once)',
} as const;

/** The Pulumi driver's environment variables, as class-validator rules. */
export class PulumiSettings {
  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: PULUMI_EXPECTATIONS.BERTH_PULUMI_COMMAND })
  @MaxLength(4096, { message: PULUMI_EXPECTATIONS.BERTH_PULUMI_COMMAND })
  @Matches(/^\s*\S(?:[^\r\n\t\v\f]*\S)?\s*$/, { message: PULUMI_EXPECTATIONS.BERTH_PULUMI_COMMAND })
  BERTH_PULUMI_COMMAND?: string;

  @IsOptional()
  @Transform(emptyAsUnset)
  @IsString({ message: PULUMI_EXPECTATIONS.BERTH_PULUMI_PASSPHRASE })
  @MinLength(16, { message: PULUMI_EXPECTATIONS.BERTH_PULUMI_PASSPHRASE })
  BERTH_PULUMI_PASSPHRASE?: string;

  @IsOptional()
  @Transform(strictInteger)
  @IsInt({ message: PULUMI_EXPECTATIONS.BERTH_PULUMI_CONCURRENCY })
  @Min(1, { message: PULUMI_EXPECTATIONS.BERTH_PULUMI_CONCURRENCY })
  @Max(64, { message: PULUMI_EXPECTATIONS.BERTH_PULUMI_CONCURRENCY })
  BERTH_PULUMI_CONCURRENCY?: number;
}

export interface PulumiSettingsRead {
  /** The pulumi CLI (trimmed); default `pulumi` on PATH. */
  command?: string;
  /** Passphrase of the secrets provider; default generated into the data dir. */
  passphrase?: string;
  /** Runs at once; default 2. */
  concurrency?: number;
  /**
   * The variables as the driver reads them: only what was checked, the command trimmed (what boot validated is what
   * the driver and the CLI locator use).
   */
  env: Record<string, string>;
  problems: SettingProblem[];
}

/** Reads BERTH_PULUMI_* from `env`; a bad variable is a problem naming it (never thrown, never echoing the passphrase). */
export function readPulumiSettings(env: SettingsEnvironment): PulumiSettingsRead {
  const { values, problems } = readEnvSettings(
    { settings: PulumiSettings, expectations: PULUMI_EXPECTATIONS, secret: ['BERTH_PULUMI_PASSPHRASE'] },
    env,
  );
  // A bad variable is left out (and reported): nothing runs on a value boot refused.
  const bad = new Set(problems.map((problem) => problem.variable));
  const command = bad.has('BERTH_PULUMI_COMMAND') ? undefined : values.BERTH_PULUMI_COMMAND?.trim();
  const passphrase = bad.has('BERTH_PULUMI_PASSPHRASE') ? undefined : values.BERTH_PULUMI_PASSPHRASE;
  const concurrency = bad.has('BERTH_PULUMI_CONCURRENCY') ? undefined : values.BERTH_PULUMI_CONCURRENCY;
  return {
    ...(command ? { command } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    env: {
      ...(command ? { BERTH_PULUMI_COMMAND: command } : {}),
      ...(passphrase ? { BERTH_PULUMI_PASSPHRASE: passphrase } : {}),
      ...(concurrency !== undefined ? { BERTH_PULUMI_CONCURRENCY: String(concurrency) } : {}),
    },
    problems,
  };
}
