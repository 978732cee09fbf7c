export * from './reset-events';
export * from './reset-lifecycle';
export * from './reset.machine';
