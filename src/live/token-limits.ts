/** Default life of a subscription token, in seconds (15 minutes). */
export const DEFAULT_TOKEN_TTL_SECONDS = 900;
/** Longest life a subscription token may have, in seconds (24 hours). */
export const MAX_TOKEN_TTL_SECONDS = 86_400;
