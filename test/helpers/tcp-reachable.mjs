import net from 'node:net';

/**
 * Whether something accepts TCP connections at the host and port of `url` (PostgreSQL's 5432
 * when none is given), within two seconds. The test runner and the soak run ask it before
 * they start the PostgreSQL suites.
 *
 * @param {string} url
 * @returns {Promise<boolean>}
 */
export function tcpReachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
