import net from 'node:net';

/**
 * A small HTTP-aware TCP proxy for fault injection: between the tablets and the
 * server it drops requests, delays them, resets connections in the middle of a request
 * body, loses answers after the server acted, and sends requests twice. One request per
 * connection (it asks the server for `Connection: close`), so every fault hits exactly one
 * request.
 */
export interface ProxyFaults {
  /** Close the connection before anything reaches the server. */
  drop: number;
  /** Forward part of the request (head and some body), then reset both sides. */
  resetMidBody: number;
  /** The server answers; the client gets a reset instead (possibly after part of the answer). */
  resetResponse: number;
  /** Send the request to the server twice (the client sees the first answer). */
  duplicate: number;
  /** Delay before forwarding, with this probability, up to `maxDelayMs`. */
  delay: number;
  maxDelayMs: number;
}

export const NO_FAULTS: ProxyFaults = {
  drop: 0,
  resetMidBody: 0,
  resetResponse: 0,
  duplicate: 0,
  delay: 0,
  maxDelayMs: 0,
};

export interface ProxyStats {
  requests: number;
  dropped: number;
  resetMidBody: number;
  resetResponse: number;
  duplicated: number;
  delayed: number;
}

export type FaultKind = 'drop' | 'resetMidBody' | 'resetResponse' | 'duplicate';

export interface FaultyProxy {
  port: number;
  stats: ProxyStats;
  faults: ProxyFaults;
  /** Apply `kind` to the next request whose request line matches (so each fault surely happens). */
  force(kind: FaultKind, requestLine: RegExp): void;
  close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Index just past the end of a complete request in `buf`, or -1 while incomplete. */
function requestEnd(buf: Buffer): { end: number; headEnd: number } | null {
  const h = buf.indexOf(HEAD_END);
  if (h < 0) return null;
  const headEnd = h + 4;
  const head = buf.subarray(0, h).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = headEnd + Number(length[1]);
    return buf.length >= end ? { end, headEnd } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const term = buf.indexOf('\r\n0\r\n\r\n', headEnd - 2);
    return term >= 0 ? { end: term + 7, headEnd } : null;
  }
  return { end: headEnd, headEnd };
}

/** The request with `Connection: close`, so the server ends the connection after answering. */
function closeAfter(req: Buffer, headEnd: number): Buffer {
  const head = req
    .subarray(0, headEnd - 4)
    .toString('latin1')
    .split('\r\n')
    .filter((l) => !/^connection:/i.test(l) && !/^keep-alive:/i.test(l));
  head.push('Connection: close');
  return Buffer.concat([
    Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'),
    req.subarray(headEnd),
  ]);
}

/** Send a request on a fresh upstream connection; resolves with the whole answer. */
function exchange(port: number, req: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const up = net.connect({ host: '127.0.0.1', port });
    const parts: Buffer[] = [];
    up.on('data', (d: Buffer) => parts.push(d));
    up.on('end', () => resolve(Buffer.concat(parts)));
    up.on('error', reject);
    up.on('close', () => resolve(Buffer.concat(parts)));
    up.write(req);
  });
}

export async function startFaultyProxy(
  upstreamPort: number,
  rng: () => number,
  faults: ProxyFaults,
): Promise<FaultyProxy> {
  const stats: ProxyStats = {
    requests: 0,
    dropped: 0,
    resetMidBody: 0,
    resetResponse: 0,
    duplicated: 0,
    delayed: 0,
  };
  const sockets = new Set<net.Socket>();
  const forced: { kind: FaultKind; line: RegExp }[] = [];
  const proxy: FaultyProxy = {
    port: 0,
    stats,
    faults,
    force: (kind, line) => {
      forced.push({ kind, line });
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  async function handle(client: net.Socket, req: Buffer, headEnd: number): Promise<void> {
    stats.requests++;
    const line = req.subarray(0, req.indexOf('\r\n')).toString('latin1');
    const hit = forced.findIndex(
      (x) => x.line.test(line) && (x.kind !== 'resetMidBody' || req.length > headEnd),
    );
    let f = proxy.faults;
    let roll = rng();
    if (hit >= 0) {
      const { kind } = forced.splice(hit, 1)[0] as { kind: FaultKind };
      f = { ...NO_FAULTS, [kind]: 1 };
      roll = 0.5;
    }
    if (roll < f.drop) {
      stats.dropped++;
      client.destroy();
      return;
    }
    if (rng() < f.delay) {
      stats.delayed++;
      await new Promise((r) => setTimeout(r, rng() * f.maxDelayMs));
    }
    const forward = closeAfter(req, headEnd);
    if (roll < f.drop + f.resetMidBody && req.length > headEnd) {
      stats.resetMidBody++;
      const up = net.connect({ host: '127.0.0.1', port: upstreamPort });
      up.on('error', () => undefined);
      const cut = headEnd + Math.floor((req.length - headEnd) * rng());
      up.write(forward.subarray(0, forward.length - (req.length - cut)), () => {
        setTimeout(() => {
          up.resetAndDestroy();
          client.resetAndDestroy();
        }, 5);
      });
      return;
    }
    let answer: Buffer;
    try {
      answer = await exchange(upstreamPort, forward);
    } catch {
      client.destroy();
      return;
    }
    if (roll < f.drop + f.resetMidBody + f.duplicate) {
      stats.duplicated++;
      await exchange(upstreamPort, forward).catch(() => undefined);
    } else if (roll < f.drop + f.resetMidBody + f.duplicate + f.resetResponse) {
      stats.resetResponse++;
      const part = Math.floor(answer.length * rng() * 0.5);
      if (part > 0) client.write(answer.subarray(0, part));
      setTimeout(() => client.resetAndDestroy(), 2);
      return;
    }
    client.end(answer);
  }

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let started = false;
    client.on('data', (d: Buffer) => {
      if (started) return; // one request per connection
      buf = Buffer.concat([buf, d]);
      const done = requestEnd(buf);
      if (!done) return;
      started = true;
      void handle(client, buf.subarray(0, done.end), done.headEnd);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as net.AddressInfo).port;
  return proxy;
}
