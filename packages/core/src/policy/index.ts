export * from './level';
export * from './policy-checks';
export * from './suppressions';
