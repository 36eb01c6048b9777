import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP reverse proxy in front of several server processes: what a load balancer
 * without sticky sessions does. Each request goes to the next backend in turn; a backend that
 * refuses the connection (a killed process) is skipped for that request and tried again on
 * the next one (nginx's `proxy_next_upstream error`). Bodies stream both ways (tus PATCH
 * bodies, downloads); nothing is buffered. A request already sent to a backend that then dies
 * is not retried (it may have acted): the client gets 502, or a cut answer.
 */

/** One request as the proxy passed it on. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  /** Index into the backends of the process that answered; -1 when none did. */
  backend: number;
  /** HTTP status of the answer; 502 when no backend answered. */
  status: number;
  /** Backends that refused the connection before one took the request. */
  skipped: number[];
  /** Request Upload-Length (tus POST), when sent. */
  uploadLength?: number;
  /** Answer Upload-Offset (tus PATCH/HEAD), when sent. */
  uploadOffset?: number;
  /** Answer Location (tus POST: the upload's URL), when sent. */
  location?: string;
}

export interface RoundRobinProxy {
  port: number;
  url: string;
  /** Every request, in the order the answers began (or failed). */
  log: ProxiedRequest[];
  close(): Promise<void>;
}

/** Headers that belong to one connection, not to the request (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'transfer-encoding',
]);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers))
    if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
  return out;
}

const numberHeader = (v: string | string[] | undefined): number | undefined =>
  typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;

/**
 * Start the proxy on 127.0.0.1 (a free port) in front of `backends` (ports on 127.0.0.1).
 * `backends` is read on every request, so the test may change a port (a restarted process).
 * `onForward` is told each time a backend has accepted the connection for a request, before
 * the request is sent; when it returns a promise, the request waits for it. A test can so kill
 * a process while a request to it is surely in flight.
 */
export async function startRoundRobinProxy(
  backends: number[],
  onForward?: (r: { method: string; path: string; backend: number }) => undefined | Promise<void>,
): Promise<RoundRobinProxy> {
  const log: ProxiedRequest[] = [];
  let next = 0;

  /**
   * Connect to backend `i` and hand it the request once connected; resolves with the answer,
   * or null when the connection was refused (nothing of the body has been read then).
   */
  const attempt = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    i: number,
  ): Promise<http.IncomingMessage | null | Error> =>
    new Promise((resolve) => {
      const headers = forwardable(req.headers);
      const from = req.socket.remoteAddress ?? '';
      const prior = req.headers['x-forwarded-for'];
      headers['x-forwarded-for'] = prior ? `${prior}, ${from}` : from;
      // A fresh connection per request (no agent): a refused connect is then surely "this
      // backend is down" and never a stale pooled socket.
      const up = http.request({
        host: '127.0.0.1',
        port: backends[i],
        method: req.method,
        path: req.url,
        headers,
        agent: false,
      });
      let connected = false;
      // The client gave up (a tus timeout, a cut connection): so does the backend's request,
      // instead of waiting for a body that never comes.
      res.once('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      up.on('socket', (s) => {
        s.once('connect', async () => {
          connected = true;
          await onForward?.({ method: req.method ?? 'GET', path: req.url ?? '/', backend: i });
          req.pipe(up);
        });
      });
      up.on('response', (answer) => resolve(answer));
      up.on('error', (e: NodeJS.ErrnoException) => {
        if (!connected && e.code === 'ECONNREFUSED') resolve(null);
        else resolve(e);
      });
    });

  const server = http.createServer(async (req, res) => {
    const entry: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      backend: -1,
      status: 502,
      skipped: [],
    };
    const length = numberHeader(req.headers['upload-length']);
    if (length !== undefined) entry.uploadLength = length;
    const start = next;
    next = (next + 1) % backends.length;
    for (let k = 0; k < backends.length; k++) {
      const i = (start + k) % backends.length;
      const answer = await attempt(req, res, i);
      if (answer === null) {
        entry.skipped.push(i);
        continue;
      }
      if (answer instanceof Error) {
        // The backend took the request and failed (killed mid-request): not retried.
        entry.backend = i;
        break;
      }
      entry.backend = i;
      entry.status = answer.statusCode ?? 502;
      const offset = numberHeader(answer.headers['upload-offset']);
      if (offset !== undefined) entry.uploadOffset = offset;
      if (typeof answer.headers.location === 'string') entry.location = answer.headers.location;
      log.push(entry);
      res.writeHead(entry.status, forwardable(answer.headers));
      answer.pipe(res);
      // The backend died part-way through its answer: cut the client's answer too.
      answer.on('aborted', () => res.destroy());
      answer.on('error', () => res.destroy());
      return;
    }
    log.push(entry);
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' });
      res.end('no backend answered');
    } else res.destroy();
    req.resume();
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
