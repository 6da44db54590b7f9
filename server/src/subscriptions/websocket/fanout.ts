// Fan-out of websocket notifications across API nodes: the node whose delivery loop serves a Subscription
// publishes each notification on one Redis pub/sub channel; every node (itself included) hears it and passes it
// to the sockets bound to that Subscription on that node. Pub/sub keeps nothing: a notification published while
// no socket is bound is not kept for it (clients catch up with `$events`, docs/subscriptions.md).
import type { Redis } from 'ioredis';
import type { Resource } from 'fhir/r4.js';
import { loggableError } from '../../audit/loggable.js';

/** One notification for the sockets bound to `subscriptionId`. */
export interface WsNotification {
  subscriptionId: string;
  /** What is sent as is: `ping <id>` (empty payload) or the notification Bundle's JSON. */
  text: string;
  /** The focus resource, which each socket's access must allow it to read (never sent when the payload omits it). */
  focus?: Resource;
}

export class WsFanout {
  private readonly channel: string;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}subscription-ws`;
  }

  async listen(deliver: (n: WsNotification) => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        deliver(JSON.parse(message) as WsNotification);
      } catch (err) {
        console.error('Subscriptions: a websocket notification could not be passed on', loggableError(err));
      }
    });
    await this.subscriber.subscribe(this.channel);
  }

  async publish(n: WsNotification): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(n));
  }
}
