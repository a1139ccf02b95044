// Fans Redis pub/sub messages (published by workers and by this API) out to GraphQL subscriptions.
// One Redis subscriber connection per API process; each subscription is an async iterator with its own buffer.
import { Redis } from 'ioredis';
import { channels } from '@driftprune/runs';

type Listener = (payload: unknown) => void;

/** An async iterator fed by push(); closing it unregisters it. Bounded: a slow client drops its oldest events. */
class Feed<T> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void)[] = [];
  private done = false;
  constructor(
    private readonly onClose: () => void,
    private readonly maxBuffer = 1_000,
  ) {}
  push(v: T) {
    if (this.done) return;
    const w = this.waiting.shift();
    if (w) w({ value: v, done: false });
    else {
      this.buffer.push(v);
      if (this.buffer.length > this.maxBuffer) this.buffer.shift();
    }
  }
  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((r) => this.waiting.push(r));
  }
  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.onClose();
      for (const w of this.waiting) w({ value: undefined, done: true });
      this.waiting = [];
      this.buffer = [];
    }
    return Promise.resolve({ value: undefined, done: true });
  }
  throw(e: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(e);
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

export class EventHub {
  private readonly sub: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Listeners for every message of a channel, kept for the hub's life (the response cache's invalidation). */
  private readonly watchers = new Map<string, Listener[]>();
  private feedWaiters: { channel: string; n: number; resolve: () => void }[] = [];
  readonly channels: ReturnType<typeof channels>;
  private ready: Promise<unknown>;

  /** `extraChannels`: channels of the API's own (auth events) that onMessage may watch besides the run contract's. */
  constructor(redisUrl: string, prefix: string, extraChannels: string[] = []) {
    this.channels = channels(prefix);
    this.sub = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.sub.on('error', () => {}); // reconnects on its own; the health query reports Redis separately
    this.sub.on('message', (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      const watchers = this.watchers.get(channel);
      if (!set?.size && !watchers) return;
      let payload: unknown;
      try {
        payload = JSON.parse(message);
      } catch {
        return;
      }
      // Watchers first: a subscriber that refetches on this event must not be answered from a stale cache.
      if (watchers) for (const w of watchers) w(payload);
      if (set) for (const l of set) l(payload);
    });
    this.ready = this.sub.subscribe(this.channels.run, this.channels.metric, this.channels.changed, ...extraChannels);
  }

  /** Calls `listener` with every message on `channel` (one of this hub's channels). */
  onMessage(channel: string, listener: Listener): void {
    this.watchers.set(channel, [...(this.watchers.get(channel) ?? []), listener]);
  }

  whenReady() {
    return this.ready;
  }

  /** Resolves once `channel` has `n` feeds (open subscriptions) in this process: tests subscribe, then act. */
  whenFeeds(channel: string, n = 1): Promise<void> {
    if ((this.listeners.get(channel)?.size ?? 0) >= n) return Promise.resolve();
    return new Promise((resolve) => this.feedWaiters.push({ channel, n, resolve }));
  }

  private notifyFeedWaiters(channel: string): void {
    const size = this.listeners.get(channel)?.size ?? 0;
    this.feedWaiters = this.feedWaiters.filter((w) => (w.channel === channel && size >= w.n ? (w.resolve(), false) : true));
  }

  /** Messages on `channel` that pass `filter`, mapped by `map` (which may drop a message by returning undefined). */
  feed<M, T>(channel: string, filter: (m: M) => boolean, map: (m: M) => Promise<T | undefined> | T | undefined): AsyncIterableIterator<T> {
    const set = this.listeners.get(channel) ?? new Set<Listener>();
    this.listeners.set(channel, set);
    // Keep the order of messages even when map() is async.
    let chain: Promise<void> = Promise.resolve();
    const feed = new Feed<T>(() => set.delete(listener));
    const listener: Listener = (payload) => {
      const m = payload as M;
      if (!filter(m)) return;
      chain = chain.then(async () => {
        try {
          const v = await map(m);
          if (v !== undefined) feed.push(v);
        } catch {
          // a message that cannot be mapped (e.g. the run was deleted meanwhile) is skipped
        }
      });
    };
    set.add(listener);
    this.notifyFeedWaiters(channel);
    return feed;
  }

  async close() {
    this.listeners.clear();
    this.watchers.clear();
    this.sub.disconnect();
  }
}
