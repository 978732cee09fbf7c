export * from './allowance';
export * from './analysis';
export * from './eks-period';
export * from './flags';
export * from './money';
export * from './period-indicators';
export * from './trend';
export * from './types';
