export * from './ports/access.ports';
export * from './ports/mail.ports';
export * from './ports/reference.ports';
export * from './ports/run.ports';
export * from './ports/throttle.ports';
export * from './ports/project.ports';
