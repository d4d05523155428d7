export * from './login-name';
export * from './model';
export * from './password-policy';
export * from './recovery-code';
