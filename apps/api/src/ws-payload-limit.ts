// graphql-ws messages over MAX_REQUEST_BYTES get the error HTTP gives an oversized body (BAD_USER_INPUT,
// reason PAYLOAD_TOO_LARGE) instead of a dropped connection. `ws` itself only knows one limit (maxPayload), past
// which it closes the socket with 1009 and the client learns nothing; so `ws` is given a hard cap of
// WS_HARD_CAP_FACTOR × the limit (memory per message stays bounded) and messages between the limit and the cap are
// answered here, before graphql-ws sees them: a `subscribe` gets an `error` message for its id and the connection
// stays open. Messages over the hard cap still close the socket with 1009 (ws's "Message too big").
import type { WebSocket, WebSocketServer } from 'ws';
import { payloadTooLarge } from './errors.js';

export const WS_HARD_CAP_FACTOR = 4;

/** The `maxPayload` to give `ws` for a request limit: past it the socket is closed with 1009. */
export const wsHardCap = (limitBytes: number) => WS_HARD_CAP_FACTOR * limitBytes;

type RawMessage = Buffer | ArrayBuffer | Buffer[];

function byteLength(data: RawMessage): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
}

/** The id of a graphql-ws `subscribe` message, or null for anything else (unparseable, another message type). */
function subscribeId(data: RawMessage): string | null {
  try {
    const text = Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)]).toString('utf8');
    const m = JSON.parse(text) as { type?: unknown; id?: unknown };
    return m?.type === 'subscribe' && typeof m.id === 'string' && m.id ? m.id : null;
  } catch {
    return null;
  }
}

/** Answers one oversized message: an `error` for a subscribe, otherwise the close ws would have sent. */
function reject(socket: WebSocket, data: RawMessage, limitBytes: number): void {
  const id = subscribeId(data);
  if (!id) return void socket.close(1009, `message exceeds ${limitBytes} bytes`);
  const error = payloadTooLarge(limitBytes, 'subscribe message').toJSON();
  socket.send(JSON.stringify({ id, type: 'error', payload: [error] }));
}

/**
 * Installs the check on every connection of `wss`. Call it before graphql-ws's useServer: the message is stopped
 * at the socket's emit, so no 'message' listener (graphql-ws's included) sees it — a listener alone could not stop
 * the others from running.
 */
export function limitMessageSize(wss: WebSocketServer, limitBytes: number): void {
  wss.on('connection', (socket) => {
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'message' && byteLength(args[0] as RawMessage) > limitBytes) {
        reject(socket, args[0] as RawMessage, limitBytes);
        return true;
      }
      // Over the hard cap ws has already sent its 1009 close when it emits this error; graphql-ws would log it as
      // an "internal error" of the implementation, which it is not.
      if (event === 'error' && (args[0] as { code?: string } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return true;
      return emit(event, ...args);
    }) as WebSocket['emit'];
  });
}
