export * from './lifecycle-step';
export * from './memory-operation-journal';
export * from './operation-executor';
export * from './operation-journal.port';
export * from './operation-planner';
export * from './properties-hash';
export * from './sleeper';
export * from './step-policy';
