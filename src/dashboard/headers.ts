/**
 * Security headers of the dashboard's files. The page runs no inline script or style: its script
 * and stylesheet are separate files from its own origin, and it talks only to its own origin (the
 * REST API and the WebSocket).
 * @param etag the file's ETag (from Static Assets), `null` for none
 */
export function dashboardHeaders(requestUrl: URL, contentType: string, etag: string | null): Headers {
  const wsOrigin = `${requestUrl.protocol === 'https:' ? 'wss:' : 'ws:'}//${requestUrl.host}`;
  const headers = new Headers({
    'Content-Type': contentType,
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${wsOrigin}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    // Small files that change with the package: revalidate each time, answered by a 304 when unchanged.
    'Cache-Control': 'no-cache',
  });
  if (etag !== null) headers.set('ETag', etag);
  return headers;
}
