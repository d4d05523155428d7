export * from './audit-cursor';
export * from './audit-record';
