export type OfficesErrorCode = 'office_code_taken';
