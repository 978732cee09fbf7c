/**
 * A query parameter that takes several values: `?kind=a,b` and `?kind=a&kind=b` alike become
 * ['a', 'b'] (for class-transformer's @Transform). Anything else is passed on for the validators.
 */
export const commaList = ({ value }: { value: unknown }): unknown => {
  if (typeof value === 'string') return value.split(',');
  if (Array.isArray(value))
    return (value as unknown[]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  return value;
};
