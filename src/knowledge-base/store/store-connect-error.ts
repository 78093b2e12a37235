import pg from 'pg';
import { HangjiaError } from '../../errors/index.js';
import type { ParsedStoreUrl } from './store-url.js';

/** Where opening a PostgreSQL store failed: reaching the server, logging in, or bringing its tables up to date. */
export type StoreStep = 'connect' | 'authenticate' | 'migrate';

/** How long a connection attempt may take before it counts as unreachable (a dropped packet never says no). */
export const STORE_CONNECT_TIMEOUT_MS = 10_000;

/**
 * `E_STORE_CONNECT` naming the host, port, user and database (never the password), the step that
 * failed, what the server or the network said, and what to check. `step` is a guess where the error
 * says more (an authentication SQLSTATE is `authenticate` whatever the caller thought).
 */
export function storeConnectError(location: ParsedStoreUrl, step: StoreStep, cause: unknown): HangjiaError {
  const { step: actualStep, reason } = explainFailure(location, step, cause);
  return new HangjiaError('E_STORE_CONNECT', `Cannot reach the PostgreSQL store at ${location.host}:${location.port} (step: ${actualStep}): ${reason} [store ${location.display}]`, {
    details: { host: location.host, port: location.port, database: location.database, user: location.user, schema: location.schema, step: actualStep },
    cause,
    // The network and a starting server come back; a wrong password or a missing database do not.
    isRetryable: actualStep === 'connect' && !isMissingDatabase(cause),
  });
}

/**
 * Connects a `pg` client to `location`, failing with {@link storeConnectError} (`connect` or
 * `authenticate`) instead of `pg`'s bare `ECONNREFUSED` or SQLSTATE.
 */
export async function connectToStore(location: ParsedStoreUrl, options: { connectionTimeoutMs?: number; applicationName?: string } = {}): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: location.connectionString,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? STORE_CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'hangjia',
  });
  // A client whose connection fails emits 'error' as well as rejecting; unheard, it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw storeConnectError(location, 'connect', error);
  }
}

function isMissingDatabase(cause: unknown): boolean {
  return (cause as { code?: string } | undefined)?.code === '3D000';
}

function explainFailure(location: ParsedStoreUrl, step: StoreStep, cause: unknown): { step: StoreStep; reason: string } {
  const error = cause as { code?: string; message?: string } | undefined;
  const code = error?.code;
  const message = error?.message ?? String(cause);
  switch (code) {
    case 'ECONNREFUSED':
      return { step: 'connect', reason: `connection refused: no server listens on port ${location.port} of ${location.host}. Is PostgreSQL running, and are the host and port in the URL right?` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { step: 'connect', reason: `the host name ${location.host} does not resolve (${code}). Check the host in the URL.` };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { step: 'connect', reason: `${location.host} cannot be reached (${code}): check the host, the port and any firewall between.` };
    case 'ECONNRESET':
      return { step, reason: `the server closed the connection (${code}): ${message}` };
    case '28P01':
      return { step: 'authenticate', reason: `password authentication failed for user "${location.user}": check the password in the URL (it is not shown here).` };
    case '28000':
      return { step: 'authenticate', reason: `the server does not let user "${location.user}" in from here (${message}): check the user name and the server's pg_hba.conf.` };
    case '3D000':
      return {
        step: 'connect',
        reason: `database "${location.database}" does not exist on the server. Create it (createdb -h ${location.host} -p ${location.port} -U ${location.user} ${location.database}) or fix the name in the URL.`,
      };
    case '42501':
      return { step, reason: `user "${location.user}" lacks a permission hangjia needs (${message}): it must be able to create the schema "${location.schema}" and its tables, or be given them.` };
    default:
      break;
  }
  if (/timeout/i.test(message)) return { step: 'connect', reason: `no answer from ${location.host}:${location.port} within ${STORE_CONNECT_TIMEOUT_MS / 1000} s: check the host, the port and any firewall between.` };
  // pg's SCRAM client says "SASL: …" when the server wants a password the URL does not carry.
  if (/^SASL|password must be a string|client password/i.test(message)) {
    return { step: 'authenticate', reason: `the server asks user "${location.user}" for a password and the URL gives none that works (${message}). Put it in the URL: postgres://user:password@host:port/database.` };
  }
  return { step, reason: message };
}
