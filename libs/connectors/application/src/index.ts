export * from './connector.ports';
export * from './create-connector.command';
export * from './create-connector.usecase';
export * from './list-connectors.usecase';
