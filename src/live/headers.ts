/** Request headers the service Worker uses to hand a checked connection to a tracker object. */
export const TRACKER_HEADERS = {
  /** Topic key of the socket. */
  topic: 'X-Flowflare-Topic',
  /** Event id to resume after, if any. */
  since: 'X-Flowflare-Since',
  /** When the socket's token expires (epoch ms), if it has one. */
  expires: 'X-Flowflare-Expires',
  /** Sub-protocol to answer with, when the client offered one. */
  protocol: 'X-Flowflare-Protocol',
} as const;
