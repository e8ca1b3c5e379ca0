/**
 * The shape every module's error family shares (DESIGN §5: one family per module with a code enum): a code from the
 * module's enum, which the API maps to an HTTP problem, and a message safe to show a user (no secret values).
 */
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
