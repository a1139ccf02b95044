// API tokens: `dp_` + 32 random bytes (base64url). Only the sha256 hex of the whole token is stored.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'dp_';

export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashApiToken(token), prefix: token.slice(0, 10) };
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
