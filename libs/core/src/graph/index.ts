export * from './component-references';
export * from './plan-graph';
