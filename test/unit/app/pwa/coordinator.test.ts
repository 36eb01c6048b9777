import { afterEach, describe, expect, it } from 'vitest';
import {
  type CoordinatorView,
  type TabHold,
  UpdateCoordinator,
} from '../../../../src/app/pwa/coordinator';

/**
 * Tabs of the app in one process: Node's BroadcastChannel delivers between instances of
 * the same name as the browser's does between tabs (never to the sender itself).
 */
class Tab {
  hold: TabHold | null = null;
  activated = 0;
  view: CoordinatorView = { blocked: null, waitedOn: null, going: false };
  readonly channel: BroadcastChannel;
  readonly c: UpdateCoordinator;

  constructor(name: string) {
    this.channel = new BroadcastChannel(name);
    this.c = new UpdateCoordinator({
      channel: this.channel,
      holds: () => this.hold,
      activate: () => {
        this.activated++;
      },
      onChange: (v) => {
        this.view = v;
      },
      answerMs: 30,
    });
  }

  close() {
    this.c.dispose();
    this.channel.close();
  }
}

const signature: TabHold = {
  kinds: ['signature'],
  place: { screen: 'beritaAcara', name: 'Kelurahan Sukamaju' },
};

let tabs: Tab[] = [];
let run = 0;
function open(n: number): Tab[] {
  const name = `telusur-update-test-${++run}`;
  tabs = Array.from({ length: n }, () => new Tab(name));
  return tabs;
}
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

afterEach(() => {
  for (const t of tabs) t.close();
  tabs = [];
});

describe('UpdateCoordinator (tabs agreeing on an app update)', () => {
  it('updates at once when no tab holds anything, and tells the others it goes', async () => {
    const [a, b] = open(2) as [Tab, Tab];
    expect(await a.c.request()).toBe('going');
    expect(a.activated).toBe(1);
    await until(() => b.view.going);
    expect(b.activated).toBe(0);
    expect(b.c.canReload()).toBe(true);
  });

  it('never updates over the asking tab’s own unsaved input', async () => {
    const [a, b] = open(2) as [Tab, Tab];
    a.hold = signature;
    expect(await a.c.request()).toBe('held-here');
    expect(a.view.blocked).toEqual({ here: true, kinds: ['signature'] });
    expect(a.activated + b.activated).toBe(0);
    // Saved: the message goes; the user asks again.
    a.hold = null;
    a.c.holdsChanged();
    expect(a.view.blocked).toBeNull();
    expect(await a.c.request()).toBe('going');
  });

  it('waits for another tab, names it, and goes on once that tab saved', async () => {
    const [a, b, c] = open(3) as [Tab, Tab, Tab];
    b.hold = signature;
    expect(await a.c.request()).toBe('held-elsewhere');
    expect(a.view.blocked).toEqual({ here: false, tabs: [signature] });
    expect(b.view.waitedOn).toEqual(['signature']);
    expect(c.view.waitedOn).toBeNull();
    expect(a.activated + b.activated + c.activated).toBe(0);
    // Still drawing: still waiting.
    b.c.holdsChanged();
    expect(b.view.waitedOn).toEqual(['signature']);

    b.hold = null;
    b.c.holdsChanged();
    await until(() => a.view.going && c.view.going && b.view.going);
    expect(a.activated + b.activated + c.activated).toBe(1);
    expect(a.view.blocked).toBeNull();
  });

  it('goes on without the input when the holding tab’s user agrees to lose it', async () => {
    const [a, b] = open(2) as [Tab, Tab];
    b.hold = signature;
    await a.c.request();
    expect(await b.c.discardAndUpdate()).toBe('going');
    expect(b.activated).toBe(1);
    // The agreeing tab reloads although it still holds the drawing.
    expect(b.c.canReload()).toBe(true);
    await until(() => a.view.going);
  });

  it('"Nanti" stops the wait in every tab', async () => {
    const [a, b] = open(2) as [Tab, Tab];
    b.hold = signature;
    await a.c.request();
    b.c.cancel();
    await until(() => a.view.blocked === null);
    expect(b.view.waitedOn).toBeNull();
    // Saving later does not start an update nobody asks for any more.
    b.hold = null;
    b.c.holdsChanged();
    await new Promise((r) => setTimeout(r, 60));
    expect(a.activated + b.activated).toBe(0);
    expect(a.view.going || b.view.going).toBe(false);
  });

  it('goes on when the holding tab is closed', async () => {
    const [a, b] = open(2) as [Tab, Tab];
    b.hold = signature;
    await a.c.request();
    b.c.leave();
    b.close();
    tabs = [a];
    await until(() => a.view.going);
    expect(a.activated).toBe(1);
  });

  it('names every tab that holds something', async () => {
    const [a, b, c] = open(3) as [Tab, Tab, Tab];
    const photo: TabHold = { kinds: ['photo', 'text'], place: { screen: 'indicator', no: 4 } };
    b.hold = signature;
    c.hold = photo;
    await a.c.request();
    const blocked = a.view.blocked;
    expect(blocked && !blocked.here ? blocked.tabs : []).toEqual(
      expect.arrayContaining([signature, photo]),
    );
    // One of them saves: the update still waits for the other, and says so.
    b.hold = null;
    b.c.holdsChanged();
    await until(() => {
      const v = a.view.blocked;
      return !!v && !v.here && v.tabs.length === 1;
    });
    expect(a.view.blocked).toEqual({ here: false, tabs: [photo] });
    expect(a.activated + b.activated + c.activated).toBe(0);
  });
});
