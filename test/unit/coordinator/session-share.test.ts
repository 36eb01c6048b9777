import { BroadcastChannel as NodeChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { type SessionChannel, SessionShare } from '../../../src/coordinator/session-share';

/** Node's BroadcastChannel stands in for the browser's: same name, same delivery rules. */
const open: NodeChannel[] = [];
function channel(name: string): SessionChannel {
  const c = new NodeChannel(name);
  open.push(c);
  return c as unknown as SessionChannel;
}

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

describe('coordinator session shared between tabs', () => {
  it('a new tab receives the token of an open tab that is signed in', async () => {
    new SessionShare(channel('a'), { shared: () => 'token-1', signedOutElsewhere: () => {} });
    const fresh = new SessionShare(channel('a'), {
      shared: () => null,
      signedOutElsewhere: () => {},
    });
    expect(await fresh.ask(1000)).toBe('token-1');
  });

  it('gets nothing when no open tab is signed in (or there is no channel)', async () => {
    new SessionShare(channel('b'), { shared: () => null, signedOutElsewhere: () => {} });
    const fresh = new SessionShare(channel('b'), {
      shared: () => null,
      signedOutElsewhere: () => {},
    });
    expect(await fresh.ask(100)).toBeNull();
    const alone = new SessionShare(null, { shared: () => null, signedOutElsewhere: () => {} });
    expect(await alone.ask(100)).toBeNull();
  });

  it('tells the other tabs which session ended, and not itself', async () => {
    const heard: string[] = [];
    const self: string[] = [];
    new SessionShare(channel('c'), {
      shared: () => 'token-1',
      signedOutElsewhere: (t) => heard.push(t),
    });
    const leaving = new SessionShare(channel('c'), {
      shared: () => 'token-1',
      signedOutElsewhere: (t) => self.push(t),
    });
    leaving.signedOut('token-1');
    await expect.poll(() => heard).toEqual(['token-1']);
    expect(self).toEqual([]);
  });
});
