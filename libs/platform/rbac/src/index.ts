export * from './access-claims';
export * from './permissions';
export * from './roles';
