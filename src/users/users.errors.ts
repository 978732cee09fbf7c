export type UsersErrorCode = 'email_taken' | 'office_unknown';
