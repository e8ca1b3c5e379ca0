export * from './password-generator';
export * from './redacted';
export * from './secret-scrubber';
export * from './secret-sealer';
export * from './secret.error';
