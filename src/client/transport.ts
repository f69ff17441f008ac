import { FlowflareError } from '../shared/errors.js';

/** Anything with a `fetch` like a service binding (`env.WORKFLOW_SERVICE`). */
export interface ServiceBindingLike {
  fetch(request: Request): Promise<Response>;
}

/** Options of a {@link Transport}. */
export interface TransportOptions {
  serviceBinding?: ServiceBindingLike;
  baseUrl?: string;
  apiKey: string;
  timeoutMs: number;
}

/** A body sent as it is, with its content type. */
class RawBody {
  constructor(
    readonly text: string,
    readonly type: string,
  ) {}
}

/** Host used for requests through a service binding; the binding ignores it. */
const BINDING_ORIGIN = 'https://flowflare.internal';

/** Sends authenticated JSON requests to the service and turns error bodies into {@link FlowflareError}s. */
export class Transport {
  readonly #options: TransportOptions;
  /** The latest D1 bookmark the service answered with: sent back, so reads see this client's writes. */
  #bookmark: string | null = null;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** Sends a request; resolves to the parsed JSON body of a 2xx response. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return parse<T>(await this.send(method, path, body, 'application/json'), method, path);
  }

  /**
   * Sends a GET whose answer is NDJSON and yields each line parsed, as the body arrives (the
   * timeout covers the wait for the answer to start).
   */
  async *lines<T>(path: string): AsyncGenerator<T, void, undefined> {
    const response = await this.send('GET', path, undefined, 'application/x-ndjson');
    if (!response.ok || !response.body) return void (await parse(response, 'GET', path));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      const text = rest + (value ?? '');
      const lines = text.split('\n');
      rest = done ? '' : lines.pop()!;
      for (const line of lines) if (line.trim()) yield JSON.parse(line) as T;
      if (done) return;
    }
  }

  /** Sends a text body (such as NDJSON) with its content type; resolves to the parsed JSON answer. */
  async requestText<T>(path: string, text: string, contentType: string): Promise<T> {
    return parse<T>(await this.send('POST', path, new RawBody(text, contentType), 'application/json'), 'POST', path);
  }

  private async send(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body: unknown, accept: string): Promise<Response> {
    const { serviceBinding, baseUrl, apiKey, timeoutMs } = this.#options;
    const origin = serviceBinding ? BINDING_ORIGIN : (baseUrl as string).replace(/\/+$/, '');
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}`, Accept: accept };
    if (body !== undefined) headers['Content-Type'] = body instanceof RawBody ? body.type : 'application/json';
    if (this.#bookmark !== null) headers['X-Flowflare-Bookmark'] = this.#bookmark;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const request = new Request(`${origin}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : body instanceof RawBody ? body.text : JSON.stringify(body),
      signal: controller.signal,
    });
    let response: Response;
    try {
      response = serviceBinding ? await serviceBinding.fetch(request) : await fetch(request);
    } catch (error) {
      if (controller.signal.aborted) {
        throw new FlowflareError('TIMEOUT', `${method} ${path} took longer than ${timeoutMs} ms.`, { status: 504, cause: error });
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new FlowflareError('NETWORK_ERROR', `${method} ${path} failed: ${reason}`, { status: 503, cause: error });
    } finally {
      clearTimeout(timer);
    }
    this.#bookmark = response.headers.get('X-Flowflare-Bookmark') ?? this.#bookmark;
    return response;
  }
}

async function parse<T>(response: Response, method: string, path: string): Promise<T> {
  const text = await response.text();
  let value: unknown;
  try {
    value = text.length === 0 ? null : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (response.ok && value !== undefined) return value as T;
  const error = (value as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    throw new FlowflareError(error.code, error.message, { status: response.status });
  }
  throw new FlowflareError(
    'BAD_RESPONSE',
    `${method} ${path} answered ${response.status} with ${value === undefined ? 'a body that is not JSON' : 'an unexpected body'}.`,
    { status: response.status },
  );
}
