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

/** Host used for requests through a service binding; the binding ignores it. */
const BINDING_ORIGIN = 'https://flowflare.internal';

/** Sends authenticated JSON requests to the service and turns error bodies into {@link FlowflareError}s. */
export class Transport {
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** Sends a request; resolves to the parsed JSON body of a 2xx response. */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const { serviceBinding, baseUrl, apiKey, timeoutMs } = this.#options;
    const origin = serviceBinding ? BINDING_ORIGIN : (baseUrl as string).replace(/\/+$/, '');
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const request = new Request(`${origin}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
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
    return parse<T>(response, method, path);
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
