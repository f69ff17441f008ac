/** Most rows one list request returns. */
export const MAX_PAGE_SIZE = 100;

/** Rows a list request returns when it gives no `limit`. */
export const DEFAULT_PAGE_SIZE = 25;
