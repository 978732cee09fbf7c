import Negotiator from 'negotiator';
import { LANGS, type Lang } from './report';

/** The labels' language: ?lang=, else the best of Accept-Language (negotiator), else German. */
export function reportLang(asked: Lang | undefined, acceptLanguage: string | undefined): Lang {
  if (asked) return asked;
  const best = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([
    ...LANGS,
  ]);
  return (LANGS as readonly string[]).includes(best ?? '') ? (best as Lang) : 'de';
}
