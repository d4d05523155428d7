export * from './append-audit-event.usecase';
export * from './audit.ports';
export * from './query-audit-events.usecase';
