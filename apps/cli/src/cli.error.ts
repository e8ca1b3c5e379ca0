import { CodedError } from '@berth/core';
import type { Problem } from './client/api.types';

/** Why a command failed; decides the exit code and how the failure is printed. */
export enum CliErrorCode {
  /** Bad arguments or options: exit code 2. */
  Usage = 'usage',
  /** The server answered with an error (problem+json or otherwise). */
  Server = 'server',
  /** The server at BERTH_URL could not be reached. */
  Unreachable = 'unreachable',
  /** A local input (file, stdin) could not be read or parsed. */
  Input = 'input',
  /** A waited-for operation failed. */
  Failed = 'failed',
  /** A wait ran out of time. */
  Timeout = 'timeout',
}

export class CliError extends CodedError<CliErrorCode> {
  constructor(
    code: CliErrorCode,
    message: string,
    /** The server's problem document, when the server sent one. */
    readonly problem?: Problem,
    /** Extra lines printed under the message (reasons, field paths). */
    readonly details: string[] = [],
  ) {
    super(code, message);
  }

  get exitCode(): number {
    return this.code === CliErrorCode.Usage ? 2 : 1;
  }
}
