// The app's live-alert Subscription: what it creates, which existing one it reuses, the socket messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Subscription } from 'fhir/r4.js';
import { alertSubscription, bindingOf, readMessage, reconnectDelay, reusableSubscription } from './alert-subscription.js';
import { canAcknowledge } from './alerts-panel.js';

test('a websocket Subscription to pain-severe filtered to the patient, without payload', () => {
  const sub = alertSubscription('p1');
  assert.equal(sub.criteria, 'https://fhir.fibrotrack.org/SubscriptionTopic/pain-severe');
  assert.deepEqual(sub.channel, { type: 'websocket' });
  assert.deepEqual(
    sub._criteria?.extension?.map((e) => e.valueString),
    ['Observation?patient=Patient/p1'],
  );
  assert.equal(alertSubscription(undefined)._criteria, undefined);
});

test('reuses only its own active websocket Subscription for exactly this patient', () => {
  const mine = { ...alertSubscription('p1'), id: 's1', status: 'active' } as Subscription;
  assert.equal(reusableSubscription([mine], 'p1')?.id, 's1');
  assert.equal(reusableSubscription([mine], 'p2'), undefined, 'another patient');
  assert.equal(reusableSubscription([mine], undefined), undefined, 'the every-patient one is another');
  assert.equal(reusableSubscription([{ ...mine, status: 'off' }], 'p1'), undefined);
  assert.equal(reusableSubscription([{ ...mine, status: 'error' }], 'p1'), undefined);
  assert.equal(reusableSubscription([{ ...mine, reason: 'another app' }], 'p1'), undefined);
  assert.equal(reusableSubscription([{ ...mine, channel: { type: 'websocket', payload: 'application/fhir+json' } }], 'p1'), undefined);
  const all = { ...alertSubscription(undefined), id: 's2', status: 'active' } as Subscription;
  assert.equal(reusableSubscription([mine, all], undefined)?.id, 's2');
});

test('binding answers and socket messages', () => {
  assert.deepEqual(
    bindingOf({
      resourceType: 'Parameters',
      parameter: [
        { name: 'token', valueString: 't' },
        { name: 'websocket-url', valueUrl: 'ws://h/fhir/ws' },
      ],
    }),
    { token: 't', url: 'ws://h/fhir/ws' },
  );
  assert.throws(() => bindingOf({ resourceType: 'Parameters', parameter: [{ name: 'token', valueString: 't' }] }));
  assert.deepEqual(readMessage('bound s1'), { kind: 'bound', id: 's1' });
  assert.deepEqual(readMessage('ping s1'), { kind: 'ping', id: 's1' });
  assert.deepEqual(readMessage('error unknown token'), { kind: 'error', text: 'unknown token' });
  assert.equal(readMessage('{"resourceType":"Bundle"}').kind, 'ping');
  assert.equal(readMessage('hello').kind, 'other');
  assert.deepEqual([0, 1, 4, 9].map(reconnectDelay), [1000, 2000, 16000, 30000]);
});

test('acknowledging needs a Flag create scope', () => {
  assert.equal(canAcknowledge('patient/Flag.cs patient/Observation.rs'), true);
  assert.equal(canAcknowledge('user/Flag.cruds'), true);
  assert.equal(canAcknowledge('patient/*.write'), true);
  assert.equal(canAcknowledge('patient/Flag.rs'), false);
  assert.equal(canAcknowledge(undefined), false);
});
