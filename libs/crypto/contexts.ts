/** Associated data for each kind of sealed secret: a ciphertext opens only where it was meant to. */
export const ACCOUNT_TOKEN_CONTEXT = 'account-access-token';
export const OAUTH_CLIENT_SECRET_CONTEXT = 'oauth-client-secret';
