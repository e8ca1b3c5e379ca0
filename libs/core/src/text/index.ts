export * from './closest-match';
