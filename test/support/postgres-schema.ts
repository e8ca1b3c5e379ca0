// One copy, kept beside the persistence library that its own specs use it from.
export * from '../../libs/persistence/src/testing/postgres-schema';
