/**
 * Longest close reason the WebSocket protocol allows, in UTF-8 bytes: a close frame carries at
 * most 125 bytes, two of them the code (RFC 6455 §5.5). `close()` throws on a longer reason.
 */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Cuts a close reason to {@link MAX_CLOSE_REASON_BYTES} of UTF-8, between characters. */
export function closeReason(reason: string): string {
  let bytes = 0;
  let end = 0;
  for (const char of reason) {
    const code = char.codePointAt(0)!;
    // A lone surrogate is sent as U+FFFD, three bytes.
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > MAX_CLOSE_REASON_BYTES) break;
    bytes += size;
    end += char.length;
  }
  return reason.slice(0, end);
}

/**
 * Closes a socket with `code` and a reason cut to the protocol's limit (see {@link closeReason}),
 * so that the close cannot throw on the reason; a socket that is already closed is left as it is.
 * Every socket Flowflare closes goes through here.
 */
export function closeSocket(ws: Pick<WebSocket, 'close'>, code: number, reason: string): void {
  try {
    ws.close(code, closeReason(reason));
  } catch {
    // already closed or closing
  }
}
