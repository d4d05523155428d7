export * from './audit-cursor';
export * from './audit-query';
export * from './audit-record';
export * from './chain/chain-hash';
export * from './chain/chain-head-signature';
export * from './chain/chain-walk';
export * from './chain/audit-keys';
