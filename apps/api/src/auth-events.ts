// Changes to who may do what — a token revoked, a user's project roles changed — travel to every API process over
// Redis (`<QUEUE_PREFIX>:events:auth`). Each process then forgets its cached principals and closes the WebSockets the
// change concerns (ws-server.ts), so an open socket cannot outlive a revocation or a demotion.
import type { Publisher } from '@driftprune/runs';
import type { Authenticator } from './auth.js';

export type AuthEvent =
  /** The token no longer works: its sockets are closed (4401). */
  | { kind: 'token-revoked'; tokenId: string; userId: string }
  /** The user's roles changed; `reduced` when a role was lowered or taken away (their sockets are closed, 4403). */
  | { kind: 'roles-changed'; userId: string; reduced: boolean };

export const authChannel = (prefix: string) => `${prefix}:events:auth`;

/** An AuthEvent read from the wire, or null for anything else. */
export function parseAuthEvent(payload: unknown): AuthEvent | null {
  const m = payload as Record<string, unknown> | null;
  if (!m || typeof m !== 'object' || typeof m.userId !== 'string') return null;
  if (m.kind === 'token-revoked' && typeof m.tokenId === 'string') return { kind: m.kind, tokenId: m.tokenId, userId: m.userId };
  if (m.kind === 'roles-changed' && typeof m.reduced === 'boolean') return { kind: m.kind, userId: m.userId, reduced: m.reduced };
  return null;
}

/** This process's side of auth events: applies received ones, announces new ones. */
export class AuthEvents {
  private readonly listeners: ((e: AuthEvent) => void)[] = [];

  constructor(
    private readonly auth: Authenticator,
    private readonly redis: Publisher,
    readonly channel: string,
  ) {}

  /** Called with every event, local or from another process, after the principal cache is cleared. */
  on(listener: (e: AuthEvent) => void): void {
    this.listeners.push(listener);
  }

  /** A message from Redis (this process's own announcements come back too; applying one twice is harmless). */
  receive(payload: unknown): void {
    const e = parseAuthEvent(payload);
    if (e) this.apply(e);
  }

  /**
   * After the change is committed: applied here before the mutation answers, then published. A failed publish
   * (Redis down) leaves the other processes on their cache TTL and their per-operation checks.
   */
  async announce(e: AuthEvent): Promise<void> {
    this.apply(e);
    await this.redis.publish(this.channel, JSON.stringify(e)).catch(() => 0);
  }

  private apply(e: AuthEvent): void {
    this.auth.clear();
    for (const l of this.listeners) l(e);
  }
}
