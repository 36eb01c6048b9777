import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeHlc, PROTOCOL_HEADER, PROTOCOL_VERSION, verificationId } from '../../../src/core';
import { type FieldTarget, fieldTarget } from '../../helpers/field-work';
import { DIALECTS, PG_URL } from '../../helpers/server-context';
import { httpCall } from '../../helpers/sync-harness';

/**
 * The real server process (`node --import tsx src/server/main.ts`, NODE_ENV=production) on
 * SQLite in a temp DATA_DIR and on a fresh PostgreSQL schema: its stdout is JSON lines only,
 * and SIGTERM shuts it down gracefully — a push whose body is still arriving when the signal
 * comes is committed and answered 200 with its acknowledgement, new connections are refused
 * meanwhile, the process exits 0, and the pushed change is there after a restart. A push
 * that outlasts SHUTDOWN_GRACE_MS is cut: exit status 1, a log line naming one cut request,
 * and nothing of it committed.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Running {
  proc: ChildProcess;
  url: string;
  /** stdout, parsed line by line (a line that is not JSON fails the test at its end). */
  lines: Record<string, unknown>[];
  /** stdout lines that did not parse as JSON. */
  junk: string[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line (now or later) `match` accepts. */
  waitFor(
    match: (l: Record<string, unknown>) => boolean,
    what: string,
  ): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Start the server on a port of its choosing (PORT=0); resolves once it logs `listening`. */
async function start(env: Record<string, string>): Promise<Running> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  const lines: Record<string, unknown>[] = [];
  const junk: string[] = [];
  const waiters: {
    match: (l: Record<string, unknown>) => boolean;
    done: (l: Record<string, unknown>) => void;
  }[] = [];
  proc.stdout?.on('data', (d) => {
    out += String(d);
    partial += String(d);
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      if (!text) continue;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        junk.push(text);
        continue;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done(line);
        }
      }
    }
  });
  proc.stderr?.on('data', (d) => {
    err += String(d);
  });
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  const running: Running = {
    proc,
    url: '',
    lines,
    junk,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(match, what) {
      const hit = lines.find(match);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log line "${what}" in time:\n${out}\n${err}`)),
          60_000,
        );
        waiters.push({
          match,
          done: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then((code) =>
          setTimeout(() => {
            clearTimeout(timer);
            reject(new Error(`server exited (${code}) before "${what}":\n${out}\n${err}`));
          }, 50),
        );
      });
    },
  };
  const listening = await running.waitFor(
    (l) => l.msg?.toString().startsWith('listening') === true,
    'listening',
  );
  running.url = `http://127.0.0.1:${listening.port}`;
  return running;
}

/** The error code of a fresh TCP connection to the server (null when it is accepted). */
async function connectError(url: string): Promise<string | null> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  try {
    await once(socket, 'connect');
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'error';
  } finally {
    socket.destroy();
  }
}

/** A push whose body is sent in two parts: the first now, the rest when `finish()` is called. */
function slowPush(url: string, token: string, body: string) {
  const { hostname, port } = new URL(url);
  const req = http.request({
    host: hostname,
    port,
    method: 'POST',
    path: '/api/sync/push',
    agent: false,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    },
  });
  const answered = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => {
          text += String(d);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
    },
  );
  // Awaited by the test when it expects an answer; a cut request's rejection is expected.
  answered.catch(() => undefined);
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return {
    answered,
    finish: () => req.end(body.slice(half)),
    abort: () => req.destroy(),
  };
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !PG_URL)(
    `operations of the real process [${dialect}]`,
    () => {
      let source: FieldTarget | null = null;
      const started: Running[] = [];

      afterAll(async () => {
        for (const r of started) {
          if (r.proc.exitCode === null && r.proc.signalCode === null) {
            r.proc.kill('SIGKILL');
            await r.exited;
          }
        }
        await source?.cleanup();
      });

      it('logs JSON lines only, and SIGTERM lets a push in flight commit and answer before exiting 0', async () => {
        // Prepared before the first start, as an operator would: a coordinator, a verifier
        // assigned to one unit of an active period.
        source = await fieldTarget(dialect, 'ops');
        const { verifierId, assessmentId, coordinator: COORDINATOR } = source;
        const env: Record<string, string> = {
          ...source.env,
          NODE_ENV: 'production',
          LOG_LEVEL: 'debug',
        };

        // First run: a tablet enrols, then pushes; SIGTERM arrives while the push's body is
        // still coming in.
        const first = await start(env);
        started.push(first);
        const call = httpCall(first.url);
        const login = await call('POST', '/api/auth/login', { json: COORDINATOR });
        expect(login.status).toBe(200);
        const coordinator = login.body.token as string;
        const code = await call('POST', `/api/verifiers/${verifierId}/enrolments`, {
          token: coordinator,
        });
        const enrolled = await call('POST', '/api/devices/enrol', {
          json: { code: code.body.code, label: 'Tablet lapangan' },
        });
        expect(enrolled.status).toBe(201);
        const tablet = {
          token: enrolled.body.token as string,
          deviceId: enrolled.body.device.id as string,
        };
        const mutation = (seq: number, no: number, notes: string) => {
          const at = Date.now() + seq;
          return {
            deviceId: tablet.deviceId,
            seq,
            entity: 'verification',
            id: verificationId(assessmentId, no),
            changes: { assessmentId, indicatorNo: no, notes },
            baseVersions: { assessmentId: 0, indicatorNo: 0, notes: 0 },
            hlc: encodeHlc({ ms: at, counter: 0, node: tablet.deviceId }),
            at,
          };
        };
        const push = slowPush(
          first.url,
          tablet.token,
          JSON.stringify({
            deviceId: tablet.deviceId,
            mutations: [1, 2, 3].map((no) => mutation(no, no, `catatan ${no} sebelum berhenti`)),
          }),
        );
        // The server has the request (its head), and waits for the rest of the body.
        await first.waitFor(
          (l) => l.msg === 'request received' && l.path === '/api/sync/push',
          'push received',
        );
        first.proc.kill('SIGTERM');
        const stopping = await first.waitFor(
          (l) => String(l.msg).startsWith('shutting down'),
          'shutting down',
        );
        expect(stopping).toMatchObject({ level: 'info', signal: 'SIGTERM', openRequests: 1 });
        // No new connection is taken any more...
        expect(await connectError(first.url)).toBe('ECONNREFUSED');
        // ...while the open push completes, commits and is acknowledged.
        push.finish();
        const answer = await push.answered;
        expect(answer.status, answer.body).toBe(200);
        expect(answer.headers.connection).toBe('close');
        const acked = JSON.parse(answer.body) as {
          appliedThrough: number;
          results: { outcome: string }[];
        };
        expect(acked.appliedThrough).toBe(3);
        expect(acked.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
        expect(await first.exited).toBe(0);

        // stdout held JSON lines only, with the push's line naming route, tablet and status;
        // no token, no password anywhere in the output.
        expect(first.junk).toEqual([]);
        const pushLine = first.lines.find(
          (l) => l.msg === 'request' && l.route === '/api/sync/push',
        );
        expect(pushLine).toMatchObject({
          level: 'info',
          method: 'POST',
          status: 200,
          role: 'verifier',
          accountId: verifierId,
          deviceId: tablet.deviceId,
        });
        expect(typeof pushLine?.requestId).toBe('string');
        expect(first.lines.at(-1)).toMatchObject({ msg: 'stopped', exitCode: 0 });
        for (const secret of [tablet.token, coordinator, COORDINATOR.password])
          expect(first.stdout() + first.stderr()).not.toContain(secret);

        // Second run, with a short grace: a push whose body never completes is cut.
        const second = await start({ ...env, SHUTDOWN_GRACE_MS: '1000' });
        started.push(second);
        const stuck = slowPush(
          second.url,
          tablet.token,
          JSON.stringify({ deviceId: tablet.deviceId, mutations: [mutation(4, 4, 'terpotong')] }),
        );
        const cutAnswer = stuck.answered.catch((e: Error) => e);
        await second.waitFor(
          (l) => l.msg === 'request received' && l.path === '/api/sync/push',
          'stuck push received',
        );
        second.proc.kill('SIGTERM');
        expect(await second.exited).toBe(1);
        expect(second.lines.find((l) => l.level === 'error' && 'cut' in l)).toMatchObject({
          cut: 1,
          graceMs: 1000,
        });
        expect(await cutAnswer).toBeInstanceOf(Error);
        expect(second.junk).toEqual([]);

        // Third run: the acknowledged changes are there, the cut one is not.
        const third = await start(env);
        started.push(third);
        const again = httpCall(third.url);
        const token = (await again('POST', '/api/auth/login', { json: COORDINATOR })).body
          .token as string;
        const audit = await again('GET', `/api/assessments/${assessmentId}/audit`, { token });
        expect(audit.status).toBe(200);
        const notes = (audit.body.entries as { field: string; value: unknown }[])
          .filter((e) => e.field === 'notes')
          .map((e) => e.value)
          .sort();
        expect(notes).toEqual([
          'catatan 1 sebelum berhenti',
          'catatan 2 sebelum berhenti',
          'catatan 3 sebelum berhenti',
        ]);
        third.proc.kill('SIGTERM');
        expect(await third.exited).toBe(0);
      }, 180_000);
    },
  );
}
