export * from './eks-lines';
export * from './rates.data';
export * from './rule-set';
