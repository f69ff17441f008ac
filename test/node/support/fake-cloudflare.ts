import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The account and token the fake accepts. */
export const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
export const API_TOKEN = 'test-token-for-the-fake-api';

/** One request the fake received. */
export interface FakeCall {
  method: string;
  path: string;
  body: unknown;
}

interface Database {
  uuid: string;
  name: string;
  version: string;
  created_at: string;
  num_tables: number;
  file_size: number;
}

type Reply = { status: number; body: unknown };

// Cloudflare's envelope: { success, errors, messages, result }.
const ok = (result: unknown, extra: Record<string, unknown> = {}): Reply => ({
  status: 200,
  body: { success: true, errors: [], messages: [], result, ...extra },
});
const fail = (status: number, code: number, message: string): Reply => ({
  status,
  body: { success: false, errors: [{ code, message }], messages: [], result: null },
});

/**
 * A small stand-in for the Cloudflare account API on 127.0.0.1, enough for wrangler 4.164's D1
 * (create, list, info, query) and Worker secret commands. It keeps state like the real API (names
 * are unique, remote migrations are remembered) and records every request for the tests to check.
 */
export class FakeCloudflare {
  readonly calls: FakeCall[] = [];
  readonly databases: Database[] = [];
  /** SQL received by the query endpoint, by database id. */
  readonly queries = new Map<string, string[]>();
  /** Secrets uploaded, by Worker name, then secret name. */
  readonly secrets = new Map<string, Map<string, string>>();
  /** Workers that exist in the account. */
  readonly scripts = new Set<string>();
  /** R2 buckets, by name. */
  readonly buckets = new Set<string>();
  /** Queues, by name. */
  readonly queues = new Set<string>();
  /** Accounts the token can see (only asked for when CLOUDFLARE_ACCOUNT_ID is unset). */
  accounts: { id: string; name: string }[] = [{ id: ACCOUNT_ID, name: 'Test account' }];
  /** A database the next list leaves out, as if it was created by someone else just after. */
  hideFromNextList: string | undefined;
  /** Makes the query endpoint fail for matching SQL, with this message. */
  failQuery: { match: RegExp; message: string } | undefined;
  private readonly applied = new Map<string, string[]>();
  private server: Server | undefined;

  /** Starts listening on an ephemeral port; returns the API base URL for CLOUDFLARE_API_BASE_URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/client/v4`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Calls whose method and path match, such as `callsTo('POST', /\/d1\/database$/)`. */
  callsTo(method: string, path: RegExp): FakeCall[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  /** Adds a database as if it had been created earlier. */
  addDatabase(name: string): Database {
    const db: Database = {
      uuid: randomUUID(),
      name,
      version: 'production',
      created_at: new Date().toISOString(),
      num_tables: 0,
      file_size: 0,
    };
    this.databases.push(db);
    return db;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/client\/v4/, '');
    let body: unknown = raw;
    if ((req.headers['content-type'] ?? '').includes('application/json') && raw) body = JSON.parse(raw);
    const method = req.method ?? 'GET';
    this.calls.push({ method, path, body });
    const reply =
      req.headers.authorization !== `Bearer ${API_TOKEN}`
        ? fail(403, 10000, 'Authentication error')
        : this.route(method, path, url.searchParams, body);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown): Reply {
    if (method === 'GET' && path === '/accounts') {
      // wrangler lists accounts and memberships together, and keeps the accounts it is a member of
      const accounts = this.accounts.map((account) => ({ ...account, type: 'standard' }));
      return ok(accounts, { result_info: { page: 1, per_page: 50, count: accounts.length, total_count: accounts.length } });
    }
    if (method === 'GET' && path === '/memberships') {
      const members = this.accounts.map((account) => ({ id: `m-${account.id}`, status: 'accepted', account }));
      return ok(members, { result_info: { page: 1, per_page: 50, count: members.length, total_count: members.length } });
    }
    const account = /^\/accounts\/([^/]+)(\/.*)$/.exec(path);
    if (!account || account[1] !== ACCOUNT_ID) return fail(404, 7003, 'Could not route to this path');
    const rest = account[2]!;
    let match: RegExpExecArray | null;
    if (rest === '/d1/database' && method === 'GET') return this.listDatabases(query);
    if (rest === '/d1/database' && method === 'POST') return this.createDatabase(body);
    if ((match = /^\/d1\/database\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const db = this.databases.find((d) => d.uuid === match![1] || d.name === match![1]);
      return db ? ok({ ...db, running_in_region: 'WEUR' }) : fail(404, 7404, 'The database could not be found');
    }
    if ((match = /^\/d1\/database\/([^/]+)\/query$/.exec(rest)) && method === 'POST') {
      return this.query(match[1]!, body);
    }
    if (rest === '/r2/buckets' && method === 'POST') {
      const parsed = typeof body === 'string' ? (JSON.parse(body) as { name?: string }) : (body as { name?: string } | null);
      const name = parsed?.name ?? '';
      if (this.buckets.has(name)) return fail(409, 10004, 'The bucket you tried to create already exists, and you own it.');
      this.buckets.add(name);
      return ok({ name, creation_date: new Date().toISOString(), location: 'WEUR' });
    }
    if (rest === '/queues' && method === 'POST') {
      const parsed = typeof body === 'string' ? (JSON.parse(body) as { queue_name?: string }) : (body as { queue_name?: string } | null);
      const name = parsed?.queue_name ?? '';
      if (this.queues.has(name)) return fail(409, 11009, 'A queue with this name already exists');
      this.queues.add(name);
      const now = new Date().toISOString();
      return ok({ queue_id: `q-${this.queues.size}`, queue_name: name, created_on: now, modified_on: now, producers: [], consumers: [] });
    }
    if ((match = /^\/workers\/scripts\/([^/]+)\/secrets$/.exec(rest))) {
      return this.secret(method, decodeURIComponent(match[1]!), body);
    }
    if ((match = /^\/workers\/scripts\/([^/]+)$/.exec(rest)) && method === 'PUT') {
      this.scripts.add(decodeURIComponent(match[1]!));
      return ok({ id: match[1], etag: 'draft' });
    }
    return fail(404, 7003, `No route for ${method} ${path}`);
  }

  private listDatabases(query: URLSearchParams): Reply {
    const perPage = Number(query.get('per_page') ?? 10);
    const page = Number(query.get('page') ?? 1);
    const visible = this.databases.filter((db) => db.name !== this.hideFromNextList);
    this.hideFromNextList = undefined;
    const slice = visible.slice((page - 1) * perPage, page * perPage);
    return ok(slice, { result_info: { page, per_page: perPage, count: slice.length, total_count: visible.length } });
  }

  private createDatabase(body: unknown): Reply {
    const name = (body as { name?: unknown }).name;
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) {
      return fail(400, 7400, `Invalid database name '${String(name)}': use lowercase letters, digits, '-' and '_'`);
    }
    if (this.databases.some((db) => db.name === name)) return fail(400, 7502, 'A database with that name already exists');
    return ok({ ...this.addDatabase(name), created_in_region: 'WEUR' });
  }

  private query(uuid: string, body: unknown): Reply {
    if (!this.databases.some((db) => db.uuid === uuid)) return fail(404, 7404, 'The database could not be found');
    const sql = String((body as { sql?: unknown }).sql ?? '');
    this.queries.set(uuid, [...(this.queries.get(uuid) ?? []), sql]);
    if (this.failQuery?.match.test(sql)) return fail(400, 7500, this.failQuery.message);
    const applied = this.applied.get(uuid) ?? [];
    const result = (rows: unknown[] = []) => ok([{ results: rows, success: true, meta: { duration: 1 } }]);
    // the current wrangler quotes the table name (`"d1_migrations"`); 4.86 did not
    if (/^\s*SELECT \*\s+FROM "?d1_migrations"?/i.test(sql)) {
      return result(applied.map((name, i) => ({ id: i + 1, name, applied_at: new Date().toISOString() })));
    }
    const inserted = /INSERT INTO "?d1_migrations"? \(name\)\s+values \('([^']+)'\)/i.exec(sql);
    if (inserted) this.applied.set(uuid, [...applied, inserted[1]!]);
    return result();
  }

  private secret(method: string, script: string, body: unknown): Reply {
    if (!this.scripts.has(script)) return fail(404, 10007, 'This Worker does not exist on your account.');
    const secrets = this.secrets.get(script) ?? new Map<string, string>();
    this.secrets.set(script, secrets);
    if (method === 'GET') return ok([...secrets.keys()].map((name) => ({ name, type: 'secret_text' })));
    if (method === 'PUT') {
      const { name, text } = body as { name: string; text: string };
      secrets.set(name, text);
      return ok({ name, type: 'secret_text' });
    }
    return fail(405, 10000, 'Method not allowed');
  }
}
