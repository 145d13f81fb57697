/** Associated data for each kind of sealed secret: a ciphertext opens only where it was meant to. */
export const ACCOUNT_TOKEN_CONTEXT = 'account-access-token';
export const OAUTH_CLIENT_SECRET_CONTEXT = 'oauth-client-secret';
/** A secret ballot's choice. */
export const VOTE_CONTEXT = 'vote-choice';

/** Binds a sealed choice to its row (motion and voter): it cannot be copied onto another vote. */
export const voteContext = (motionId: string, memberId: string): string => `${VOTE_CONTEXT}:${motionId}:${memberId}`;
