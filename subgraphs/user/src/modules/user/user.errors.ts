import { AppError, conflict } from '@shop/kit';

// One message for unknown e-mail and wrong password alike, so the API does not reveal who has an account.
export const invalidCredentials = () => new AppError('UNAUTHENTICATED', 'Invalid e-mail or password');
export const invalidRefreshToken = () => new AppError('UNAUTHENTICATED', 'The session has expired or was revoked; sign in again');
export const emailTaken = () => conflict('An account with this e-mail already exists', { field: 'email' });
