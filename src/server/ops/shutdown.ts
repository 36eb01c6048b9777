import type { Server, ServerResponse } from 'node:http';
import type { Logger } from './logger';

/** Default of SHUTDOWN_GRACE_MS: well inside systemd's default stop timeout of 90 s. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;

export interface ShutdownOptions {
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long open requests may take to finish after the signal (ms). */
  graceMs: number;
  /** First thing on shutdown (stop timers, e.g. the upload cleanup). */
  onBegin?: () => void;
  /**
   * Once every open request has been answered and every connection is closed (or the grace
   * is over): release what the requests used — wait for background work, close the database.
   * A failure is logged and makes the exit status 1.
   */
  onClosed?: () => Promise<void>;
  /** Longest wait for `onClosed` (ms, default 5000); past it the exit status is 1. */
  closeTimeoutMs?: number;
  /** Ends the process (default process.exit); tests pass their own. */
  exit?: (code: number) => void;
}

/**
 * Graceful shutdown of the HTTP server, for SIGTERM/SIGINT (systemd's stop, Ctrl-C):
 *
 * 1. `draining` turns true at once (/api/ready answers 503 `draining`), the listening
 *    socket is closed (new connections are refused) and idle keep-alive connections are
 *    closed.
 * 2. Requests already open run to their end — a tablet's push commits and is answered, so
 *    the tablet gets its acknowledgement; a tus PATCH keeps receiving bytes. Their answers,
 *    and those of requests still arriving on open keep-alive connections, carry
 *    `Connection: close`, and each connection is closed once its last answer is out.
 * 3. When none is left: `onClosed` (close the database), log `stopped`, exit 0.
 * 4. If requests are still open `graceMs` after the signal: log an error naming how many
 *    are cut, close every connection, `onClosed`, exit 1. A cut push was not committed (its
 *    transaction rolls back) and the tablet sends it again; a cut upload resumes (tus).
 *
 * @example
 *   const shutdown = new GracefulShutdown({ log, graceMs: 25_000, onClosed: () => db.close() });
 *   const app = createApp({ …, draining: () => shutdown.draining });
 *   shutdown.attach(serve({ fetch: app.fetch, port }) as Server);
 *   process.on('SIGTERM', () => shutdown.begin('SIGTERM'));
 */
export class GracefulShutdown {
  private server: Server | null = null;
  private readonly open = new Set<ServerResponse>();
  private stopping: Promise<number> | null = null;

  constructor(private readonly options: ShutdownOptions) {}

  /** True once `begin` was called. */
  get draining(): boolean {
    return this.stopping !== null;
  }

  /** Requests received and not yet answered (or aborted). */
  get openRequests(): number {
    return this.open.size;
  }

  /** Track the requests of `server` (call once, right after creating it). */
  attach(server: Server): void {
    this.server = server;
    server.on('request', (_req, res: ServerResponse) => {
      this.open.add(res);
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.open.delete(res);
        // An answered keep-alive connection is idle now: close it instead of waiting for
        // the client to send another request or for the keep-alive timeout.
        if (this.draining) server.closeIdleConnections();
      });
    });
  }

  /**
   * Shut down (see the class). Further calls (a second signal) return the same promise.
   *
   * @returns the exit status passed to `exit`: 0 when every request finished, 1 when some
   *   were cut or closing failed.
   */
  begin(signal: string): Promise<number> {
    if (this.stopping) {
      this.options.log.warn({ signal }, 'already shutting down');
      return this.stopping;
    }
    this.stopping = this.run(signal);
    return this.stopping;
  }

  private async run(signal: string): Promise<number> {
    const { log, graceMs } = this.options;
    const exit = this.options.exit ?? ((code: number) => process.exit(code));
    this.options.onBegin?.();
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<'closed'>((resolve) => {
      if (!this.server) return resolve('closed');
      // Called once every connection has ended (or at once, with an error, when the server
      // was not listening: nothing to wait for either way).
      this.server.close(() => resolve('closed'));
      this.server.closeIdleConnections();
    });
    // Logged once the listener is closed: whoever reads this line finds new connections refused.
    log.info(
      { signal, openRequests: this.open.size, graceMs },
      'shutting down: refusing new connections, finishing open requests',
    );

    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceOver = new Promise<'grace'>((resolve) => {
      timer = setTimeout(() => resolve('grace'), graceMs);
    });
    const outcome = await Promise.race([closed, graceOver]);
    clearTimeout(timer);

    let code = 0;
    if (outcome === 'grace') {
      const cut = this.open.size;
      log.error(
        { graceMs, cut },
        `shutdown grace of ${graceMs} ms over: cutting ${cut} open request${cut === 1 ? '' : 's'}`,
      );
      this.server?.closeAllConnections();
      code = 1;
    }
    // Bounded: after a cut, a pool may wait for a connection a cut request still holds.
    const closeMs = this.options.closeTimeoutMs ?? 5000;
    try {
      await Promise.race([
        this.options.onClosed?.(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not closed within ${closeMs} ms`)), closeMs);
        }),
      ]);
    } catch (err) {
      log.error({ err }, 'closing after shutdown failed');
      code = 1;
    } finally {
      clearTimeout(timer);
    }
    log.info({ exitCode: code }, 'stopped');
    exit(code);
    return code;
  }
}
