// A websocket client for the Subscription websocket tests: collects the messages a socket gets and how it closed.
import { WebSocket } from 'ws';
import { rawText } from '../../server/src/subscriptions/websocket/raw-text.js';

export interface WsClient {
  ws: WebSocket;
  messages: string[];
  /** Resolves with the messages once `count` have arrived (within `timeoutMs`). */
  until(count: number, timeoutMs?: number): Promise<string[]>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function connect(url: string): Promise<WsClient> {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  ws.on('message', (data) => messages.push(rawText(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    async until(count, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > end)
          throw new Error(`websocket: ${messages.length} messages, not ${count}, within ${timeoutMs} ms: ${messages.join(' | ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
  };
}
