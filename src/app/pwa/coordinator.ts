import type { HoldKind } from './holds';
import type { Place } from './place';

/** Unsaved input one tab holds, and where that tab is. */
export interface TabHold {
  kinds: HoldKind[];
  place: Place;
}

/** Why an update this tab asked for waits. */
export type Blocked = { here: true; kinds: HoldKind[] } | { here: false; tabs: TabHold[] };

export interface CoordinatorView {
  /** The update asked for here waits: for this tab's input, or for other tabs'. */
  blocked: Blocked | null;
  /** Another tab asked for the update and it waits for this tab's input (these kinds). */
  waitedOn: HoldKind[] | null;
  /** The update is under way: every tab reloads as soon as it holds nothing unsaved. */
  going: boolean;
}

type Message =
  | { t: 'ask'; from: string; round: string }
  | { t: 'answer'; from: string; round: string; hold: TabHold | null }
  | { t: 'held'; from: string; tabs: TabHold[] }
  | { t: 'released'; from: string }
  | { t: 'cancel'; from: string }
  | { t: 'go'; from: string };

/** The part of BroadcastChannel the coordinator uses (also Node's, for tests). */
export interface Channel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

export interface CoordinatorOptions {
  channel: Channel;
  /** What this tab holds now and where it is; null when a reload would lose nothing. */
  holds(): TabHold | null;
  /** Let the waiting version take over (its activation reloads the clean tabs). */
  activate(): void | Promise<void>;
  onChange(view: CoordinatorView): void;
  /** How long to wait for other tabs' answers (ms). */
  answerMs?: number;
}

export type RequestOutcome = 'going' | 'held-here' | 'held-elsewhere';

/**
 * Agrees an app update between the open tabs of the app (one service worker controls
 * them all: once the new version activates, every tab runs old code against new caches
 * and must reload). The tab whose user asks for the update asks the others over a
 * BroadcastChannel whether they hold unsaved input; a tab that does answers with what and
 * where, shows that the update waits for it, and starts the update itself once its input is
 * saved or cleared — or at once when its user agrees to lose it. Only when no tab holds
 * anything does one tab tell the others "go" and activate the new version.
 *
 * A tab that does not answer in time (frozen in the background) is not waited for; it
 * reloads when the new version takes it over, or asks first if it holds input by then.
 */
export class UpdateCoordinator {
  private readonly id = Math.random().toString(36).slice(2);
  private readonly answerMs: number;
  private rounds = 0;
  private readonly answers = new Map<string, TabHold[]>();
  /** An update was asked for (here or in another tab) and has not gone or been cancelled. */
  private pending = false;
  /** This tab's user agreed to lose its unsaved input for the update. */
  private discarding = false;
  private view: CoordinatorView = { blocked: null, waitedOn: null, going: false };
  private readonly onMessage = (e: MessageEvent) => this.receive(e.data as Message);

  constructor(private readonly options: CoordinatorOptions) {
    this.answerMs = options.answerMs ?? 400;
    options.channel.addEventListener('message', this.onMessage);
  }

  get state(): CoordinatorView {
    return this.view;
  }

  /** Whether this tab should reload now that the new version is in control. */
  canReload(): boolean {
    return this.discarding || this.options.holds() === null;
  }

  /** The user of this tab asks for the update. */
  async request(): Promise<RequestOutcome> {
    const here = this.options.holds();
    if (here && !this.discarding) {
      // Never reload over this tab's own input; the user saves it and asks again.
      this.set({ blocked: { here: true, kinds: here.kinds } });
      return 'held-here';
    }
    return this.round();
  }

  /** The user of a tab the update waits for agrees to lose its unsaved input. */
  async discardAndUpdate(): Promise<RequestOutcome> {
    this.discarding = true;
    this.set({ waitedOn: null });
    return this.round();
  }

  /** Not now: the update stops waiting in every tab (it can be asked for again). */
  cancel(): void {
    this.post({ t: 'cancel', from: this.id });
    this.reset();
  }

  /**
   * This tab's input may have changed. If an update waits for this tab and it now holds
   * nothing, the update goes on (this tab asks the others again).
   */
  holdsChanged(): void {
    if (this.view.waitedOn) {
      const hold = this.options.holds();
      if (hold) {
        this.set({ waitedOn: hold.kinds });
        return;
      }
      this.set({ waitedOn: null });
      if (this.pending) void this.round();
    } else if (this.view.blocked?.here && !this.options.holds()) {
      this.set({ blocked: null });
    }
  }

  /** This tab goes away (pagehide): an update that waited for it may go on. */
  leave(): void {
    if (this.view.waitedOn) this.post({ t: 'released', from: this.id });
  }

  dispose(): void {
    this.options.channel.removeEventListener('message', this.onMessage);
  }

  private async round(): Promise<RequestOutcome> {
    this.pending = true;
    const round = `${this.id}:${++this.rounds}`;
    this.answers.set(round, []);
    this.post({ t: 'ask', from: this.id, round });
    await new Promise((resolve) => setTimeout(resolve, this.answerMs));
    const tabs = this.answers.get(round) ?? [];
    this.answers.delete(round);
    if (!this.pending) return 'held-elsewhere'; // cancelled meanwhile
    const here = this.discarding ? null : this.options.holds();
    if (here) {
      this.set({ blocked: { here: true, kinds: here.kinds } });
      return 'held-here';
    }
    if (tabs.length > 0) {
      this.post({ t: 'held', from: this.id, tabs });
      this.set({ blocked: { here: false, tabs } });
      return 'held-elsewhere';
    }
    this.post({ t: 'go', from: this.id });
    this.pending = false;
    this.set({ blocked: null, waitedOn: null, going: true });
    await this.options.activate();
    return 'going';
  }

  private receive(m: Message): void {
    if (!m || typeof m !== 'object' || m.from === this.id) return;
    switch (m.t) {
      case 'ask': {
        this.pending = true;
        const hold = this.discarding ? null : this.options.holds();
        this.post({ t: 'answer', from: this.id, round: m.round, hold });
        // A tab that asked earlier and is clean now simply waits with the others.
        this.set({ waitedOn: hold ? hold.kinds : null });
        return;
      }
      case 'answer': {
        const list = this.answers.get(m.round);
        if (list && m.hold) list.push(m.hold);
        return;
      }
      case 'held':
        // Another tab's round found holders: a tab that asked for the update names them too.
        if (this.view.blocked && !this.view.blocked.here)
          this.set({ blocked: { here: false, tabs: m.tabs } });
        return;
      case 'released':
        if (this.pending && this.view.blocked && !this.view.blocked.here) void this.round();
        return;
      case 'cancel':
        this.reset();
        return;
      case 'go':
        this.pending = false;
        this.set({ blocked: null, waitedOn: null, going: true });
        return;
    }
  }

  private reset(): void {
    this.pending = false;
    this.discarding = false;
    this.set({ blocked: null, waitedOn: null });
  }

  private post(m: Message): void {
    try {
      this.options.channel.postMessage(m);
    } catch {
      // A closed channel (the page is going away): nothing to tell.
    }
  }

  private set(patch: Partial<CoordinatorView>): void {
    this.view = { ...this.view, ...patch };
    this.options.onChange(this.view);
  }
}
