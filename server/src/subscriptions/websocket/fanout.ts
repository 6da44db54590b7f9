// Fan-out of websocket notifications across API nodes: the node whose delivery loop serves a Subscription
// publishes each notification on one Redis pub/sub channel; every node (itself included) hears it and passes it
// to the sockets bound to that Subscription on that node. Pub/sub keeps nothing: a notification published while
// no socket is bound is not kept for it (clients catch up with `$events`, docs/subscriptions.md). A second channel
// carries "events recorded": a node whose write recorded outbox events wakes every node's delivery loop (the one
// free to lease them delivers at once rather than at its next poll, which stays the fallback).
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
  private readonly recorded: string;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}subscription-ws`;
    this.recorded = `${prefix}subscription-events`;
  }

  async listen(deliver: (n: WsNotification) => void, woken: () => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.recorded) return woken();
      if (channel !== this.channel) return;
      try {
        deliver(JSON.parse(message) as WsNotification);
      } catch (err) {
        console.error('Subscriptions: a websocket notification could not be passed on', loggableError(err));
      }
    });
    await this.subscriber.subscribe(this.channel, this.recorded);
  }

  /** Tells every node's delivery loop that events were recorded. */
  async announce(): Promise<void> {
    await this.publisher.publish(this.recorded, '');
  }

  async publish(n: WsNotification): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(n));
  }
}
