/** Raised when the environment variables cannot configure the service. The message is one line meant for an operator. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
