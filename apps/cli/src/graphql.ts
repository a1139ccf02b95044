// The CLI's GraphQL client (one POST per request); also used by scripts/gpu/queue-check.ts.
import { CommandError } from './command.js';

/** One GraphQL request; errors carry the server's messages and codes. */
export async function graphql<T>(api: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e);
    throw new CommandError(`cannot reach ${api}: ${cause}`);
  }
  const text = await res.text();
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new CommandError(`${api} answered HTTP ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new CommandError(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  if (!body.data) throw new CommandError(`${api} answered HTTP ${res.status} without data`);
  return body.data;
}
