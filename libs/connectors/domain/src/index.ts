export * from './broker-policy';
export * from './connector';
export * from './connector-settings';
export * from './secret-fields';
export * from './secret-warnings';
export * from './violation';
export * from './workloads';
