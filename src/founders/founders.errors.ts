export type FoundersErrorCode = 'founder_duplicate' | 'target_sector_unknown';
