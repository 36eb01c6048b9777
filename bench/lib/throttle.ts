/**
 * An emulated slow mobile link as a TCP proxy in Node (bench module 5): every byte between
 * the tablet and the server crosses one shared pipe per direction with a fixed bandwidth and
 * a fixed one-way delay, and a share of the HTTP requests has its connection cut part-way.
 *
 * - Bandwidth: each direction is one FIFO shared by all connections (as a real link is);
 *   a piece of data occupies the pipe for bytes ÷ bandwidth, then arrives after the one-way
 *   delay. Payload bytes only (no TCP/IP header overhead is emulated).
 * - Latency: one-way delay = RTT / 2 each way; a new connection can carry data only one RTT
 *   after it opened (the TCP handshake).
 * - Flow control: a connection may have at most 64 KB queued per direction; beyond that
 *   its source socket is paused (a TCP window), so senders see the link's pace.
 * - Drops: the client→server stream of each connection is parsed into HTTP requests
 *   (Content-Length or chunked bodies). With probability `dropRate` per request the
 *   connection is cut: at a uniformly random point of the body when it has one, else right
 *   after the request reached the server (the server acts; the answer is lost). Both sides
 *   see a reset; whatever was still queued is lost.
 */
import net from 'node:net';

export interface LinkOptions {
  /** Payload bytes per second in each direction (1 Mbit/s = 125,000). */
  bytesPerSecond: number;
  rttMs: number;
  /** Share of HTTP requests whose connection is cut. */
  dropRate: number;
  rng: () => number;
}

export interface LinkStats {
  connections: number;
  requests: number;
  /** Requests whose connection was cut. */
  drops: number;
  /** Bytes delivered client → server and server → client. */
  bytesUp: number;
  bytesDown: number;
  /** Bytes that had crossed the pipe (or were queued) when their connection was cut. */
  bytesLostUp: number;
  /** Requests by request line prefix (method and path up to the first id), for the report. */
  byKind: Record<string, number>;
}

interface Piece {
  conn: Conn;
  data: Buffer;
  at: number;
}

/** One direction of the link. */
class Pipe {
  private queue: Piece[] = [];
  private busyUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly bytesPerSecond: number,
    private readonly delayMs: number,
    private readonly deliver: (p: Piece) => void,
  ) {}

  send(conn: Conn, data: Buffer): void {
    // Pieces of ≤ 16 KB, so a cut can fall inside a large write and delivery is smooth.
    for (let i = 0; i < data.length; i += 16 * 1024) {
      const part = data.subarray(i, Math.min(data.length, i + 16 * 1024));
      const start = Math.max(performance.now(), this.busyUntil);
      this.busyUntil = start + (part.length / this.bytesPerSecond) * 1000;
      this.queue.push({ conn, data: part, at: this.busyUntil + this.delayMs });
    }
    this.pump();
  }

  /** Forget a cut connection's queued pieces (they are lost; the pipe time they took is spent). */
  drop(conn: Conn): number {
    let lost = 0;
    this.queue = this.queue.filter((p) => {
      if (p.conn !== conn) return true;
      lost += p.data.length;
      return false;
    });
    return lost;
  }

  private pump(): void {
    if (this.timer || this.queue.length === 0) return;
    const head = this.queue[0] as Piece;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const now = performance.now();
        while (this.queue.length > 0 && (this.queue[0] as Piece).at <= now + 0.5)
          this.deliver(this.queue.shift() as Piece);
        this.pump();
      },
      Math.max(0, head.at - performance.now()),
    );
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.queue = [];
  }
}

const WINDOW = 64 * 1024;

/** Incremental parser of a client→server HTTP/1.1 stream into requests. */
class RequestParser {
  private state: 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'last-crlf' =
    'head';
  private head = Buffer.alloc(0);
  private remaining = 0;
  private sizeLine = '';

  /**
   * Feed delivered bytes; calls `onHead(line, contentLength | 'chunked' | 0)` when a request
   * head is complete and `onBody(n)`/`onEnd()` as its body passes. Returns nothing; callers
   * cut by slicing what they feed.
   */
  constructor(
    private readonly on: {
      head(line: string, body: number | 'chunked'): void;
      body(n: number): void;
      end(): void;
    },
  ) {}

  /** Consume `buf`; returns how many bytes were consumed before `stop()` asked to stop. */
  feed(buf: Buffer, stop: () => boolean): number {
    let i = 0;
    while (i < buf.length) {
      if (stop()) return i;
      switch (this.state) {
        case 'head': {
          // The head may span pieces: collect until the empty line.
          const before = this.head.length;
          this.head = Buffer.concat([this.head, buf.subarray(i)]);
          const k = this.head.indexOf('\r\n\r\n');
          if (k < 0) return buf.length;
          i += k + 4 - before;
          const text = this.head.subarray(0, k + 4).toString('latin1');
          this.head = Buffer.alloc(0);
          const line = text.slice(0, text.indexOf('\r\n'));
          const cl = /\r\ncontent-length:\s*(\d+)/i.exec(text);
          if (/\r\ntransfer-encoding:\s*chunked/i.test(text)) {
            this.state = 'chunk-size';
            this.sizeLine = '';
            this.on.head(line, 'chunked');
          } else if (cl && Number(cl[1]) > 0) {
            this.state = 'body';
            this.remaining = Number(cl[1]);
            this.on.head(line, this.remaining);
          } else {
            this.on.head(line, 0);
            this.on.end();
          }
          break;
        }
        case 'body': {
          const n = Math.min(this.remaining, buf.length - i);
          this.remaining -= n;
          i += n;
          this.on.body(n);
          if (this.remaining === 0) {
            this.state = 'head';
            this.on.end();
          }
          break;
        }
        case 'chunk-size': {
          const c = buf[i++] as number;
          this.on.body(1);
          if (c === 0x0a) {
            const size = Number.parseInt(this.sizeLine.trim().split(';')[0] ?? '0', 16);
            this.sizeLine = '';
            if (size === 0) this.state = 'last-crlf';
            else {
              this.remaining = size;
              this.state = 'chunk-data';
            }
          } else this.sizeLine += String.fromCharCode(c);
          break;
        }
        case 'chunk-data': {
          const n = Math.min(this.remaining, buf.length - i);
          this.remaining -= n;
          i += n;
          this.on.body(n);
          if (this.remaining === 0) {
            this.state = 'chunk-crlf';
            this.remaining = 2;
          }
          break;
        }
        case 'chunk-crlf': {
          i++;
          this.on.body(1);
          if (--this.remaining === 0) this.state = 'chunk-size';
          break;
        }
        case 'last-crlf': {
          // No trailers: the terminating empty line.
          const c = buf[i++] as number;
          this.on.body(1);
          if (c === 0x0a) {
            this.state = 'head';
            this.on.end();
          }
          break;
        }
      }
    }
    return i;
  }
}

interface Conn {
  client: net.Socket;
  upstream: net.Socket;
  readyAt: number;
  queuedUp: number;
  queuedDown: number;
  cut: boolean;
  /** The server closed its side: end the client's once the answer is delivered. */
  upstreamEnded: boolean;
  parser: RequestParser;
  /** The current request's drop plan: cut after this many body bytes, or at its end. */
  plan: { cutAfter: number | 'end' } | null;
  bodySeen: number;
  /** Set by the parser callbacks: cut now. */
  cutNow: boolean;
}

export interface Link {
  port: number;
  stats: LinkStats;
  /** Reset the counters (between setup and the timed run). */
  resetStats(): void;
  close(): Promise<void>;
}

function emptyStats(): LinkStats {
  return {
    connections: 0,
    requests: 0,
    drops: 0,
    bytesUp: 0,
    bytesDown: 0,
    bytesLostUp: 0,
    byKind: {},
  };
}

/** Request kind for the report: `PATCH /api/files`, `GET /api/sync/pull`, … */
function kindOf(line: string): string {
  const [method, path = ''] = line.split(' ');
  const p = path.split('?')[0] ?? '';
  const short =
    p === '/api/files/' || p === '/api/files'
      ? '/api/files/'
      : p.startsWith('/api/files/')
        ? '/api/files/:id'
        : p.replace(/\/[0-9a-f-]{20,}.*$/, '/:id');
  return `${method} ${short}`;
}

export async function startLink(upstreamPort: number, o: LinkOptions): Promise<Link> {
  const link: Link = {
    port: 0,
    stats: emptyStats(),
    resetStats() {
      link.stats = emptyStats();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) {
          c.client.destroy();
          c.upstream.destroy();
        }
        up.close();
        down.close();
        server.close(() => resolve());
      }),
  };
  const conns = new Set<Conn>();
  const oneWay = o.rttMs / 2;

  const cut = (c: Conn) => {
    if (c.cut) return;
    c.cut = true;
    link.stats.drops++;
    link.stats.bytesLostUp += up.drop(c);
    down.drop(c);
    c.client.resetAndDestroy();
    c.upstream.resetAndDestroy();
  };

  const up = new Pipe(o.bytesPerSecond, oneWay, ({ conn: c, data }) => {
    c.queuedUp -= data.length;
    if (c.queuedUp < WINDOW / 2 && c.client.isPaused()) c.client.resume();
    if (c.cut) return;
    const n = c.parser.feed(data, () => c.cutNow);
    const pass = c.cutNow ? n : data.length;
    if (pass > 0) {
      c.upstream.write(data.subarray(0, pass));
      link.stats.bytesUp += pass;
    }
    if (c.cutNow) {
      // Let the bytes written so far reach the server, then reset both sides.
      setImmediate(() => cut(c));
    }
  });
  const down = new Pipe(o.bytesPerSecond, oneWay, ({ conn: c, data }) => {
    c.queuedDown -= data.length;
    if (c.queuedDown < WINDOW / 2 && c.upstream.isPaused()) c.upstream.resume();
    if (c.cut) return;
    c.client.write(data);
    link.stats.bytesDown += data.length;
    if (c.upstreamEnded && c.queuedDown === 0) c.client.end();
  });

  const server = net.createServer((client) => {
    link.stats.connections++;
    const upstream = net.connect({ host: '127.0.0.1', port: upstreamPort });
    const c: Conn = {
      client,
      upstream,
      readyAt: performance.now() + o.rttMs,
      queuedUp: 0,
      queuedDown: 0,
      cut: false,
      upstreamEnded: false,
      plan: null,
      bodySeen: 0,
      cutNow: false,
      parser: new RequestParser({
        head: (line, body) => {
          link.stats.requests++;
          const k = kindOf(line);
          link.stats.byKind[k] = (link.stats.byKind[k] ?? 0) + 1;
          c.bodySeen = 0;
          c.plan = null;
          if (o.rng() < o.dropRate) {
            if (body === 'chunked') c.plan = { cutAfter: Math.floor(o.rng() * 300_000) };
            else if (body > 0) c.plan = { cutAfter: Math.floor(o.rng() * body) };
            else c.plan = { cutAfter: 'end' };
          }
        },
        body: (n) => {
          c.bodySeen += n;
          if (c.plan && c.plan.cutAfter !== 'end' && c.bodySeen >= c.plan.cutAfter) c.cutNow = true;
        },
        end: () => {
          if (c.plan) c.cutNow = true;
        },
      }),
    };
    conns.add(c);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    const closeBoth = () => {
      conns.delete(c);
      if (!c.cut) {
        c.cut = true;
        up.drop(c);
        down.drop(c);
      }
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth);
    const upstreamDone = () => {
      // The answer still in the pipe arrives first; then the client sees the close.
      if (c.upstreamEnded) return;
      c.upstreamEnded = true;
      if (c.queuedDown === 0) setTimeout(() => client.end(), oneWay);
    };
    upstream.on('end', upstreamDone);
    upstream.on('close', upstreamDone);
    client.on('data', (d: Buffer) => {
      const send = () => {
        c.queuedUp += d.length;
        if (c.queuedUp > WINDOW) client.pause();
        up.send(c, d);
      };
      const wait = c.readyAt - performance.now();
      // Handshake: nothing crosses before one RTT after the connection opened.
      if (wait > 0) {
        client.pause();
        setTimeout(() => {
          send();
          if (c.queuedUp <= WINDOW) client.resume();
        }, wait);
      } else send();
    });
    upstream.on('data', (d: Buffer) => {
      c.queuedDown += d.length;
      if (c.queuedDown > WINDOW) upstream.pause();
      down.send(c, d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  link.port = (server.address() as net.AddressInfo).port;
  return link;
}
