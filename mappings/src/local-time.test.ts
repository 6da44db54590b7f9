// localClock on DST days: a local time in the spring-forward gap is not placed and says why; a repeated local time
// (fall-back hour) takes its first occurrence alone, and in a series the later offset once the series went past it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localClock } from './local-time.js';

const clock = (timeZone: string) => localClock({ patientReference: 'Patient/p1', timeZone }, 'Test');

const zones = [
  {
    zone: 'Europe/Berlin',
    gap: '2026-03-29T02:30:00',
    before: '2026-03-29T01:59:00+01:00',
    after: '2026-03-29T03:00:00+02:00',
    repeated: '2026-10-25T02:30:00',
    first: '+02:00',
    second: '+01:00',
  },
  {
    zone: 'America/New_York',
    gap: '2026-03-08T02:15:00',
    before: '2026-03-08T01:59:00-05:00',
    after: '2026-03-08T03:00:00-04:00',
    repeated: '2026-11-01T01:30:00',
    first: '-04:00',
    second: '-05:00',
  },
  {
    zone: 'Australia/Sydney',
    gap: '2026-10-04T02:45:00',
    before: '2026-10-04T01:59:00+10:00',
    after: '2026-10-04T03:00:00+11:00',
    repeated: '2026-04-05T02:30:00',
    first: '+11:00',
    second: '+10:00',
  },
];

for (const z of zones) {
  test(`${z.zone}: a local time in the spring-forward gap has no place and the reason names it and the zone`, () => {
    const c = clock(z.zone);
    assert.equal(c.place(z.gap), undefined);
    assert.equal(c.placePlus(z.gap, 60), undefined);
    assert.equal(c.nonexistent(z.gap), `local time ${z.gap} does not exist in ${z.zone}: clocks moved forward`);
    assert.equal(c.series().place(z.gap), undefined);
    // The minutes either side exist and are placed with their own offsets.
    assert.equal(c.place(z.before.slice(0, 19)), z.before);
    assert.equal(c.place(z.after.slice(0, 19)), z.after);
    assert.equal(c.nonexistent(z.before.slice(0, 19)), undefined);
    const day = c.day(z.gap.slice(0, 10))!;
    assert.equal(Date.parse(day.end) - Date.parse(day.start), 23 * 3600_000 - 1000);
  });

  test(`${z.zone}: a repeated local time alone takes its first occurrence; a series keeps order and distinct instants`, () => {
    const c = clock(z.zone);
    assert.equal(c.place(z.repeated), `${z.repeated}${z.first}`);
    assert.equal(c.nonexistent(z.repeated), undefined);
    const h = z.repeated.slice(0, 14);
    const early = `${h}10:00`;
    const late = `${h}50:00`;
    const s = c.series();
    const times = [early, z.repeated, late, early, z.repeated, late].map((t) => s.place(t, 60)!);
    assert.deepEqual(
      times.map((p) => p.at),
      [
        `${early}${z.first}`,
        `${z.repeated}${z.first}`,
        `${late}${z.first}`,
        `${early}${z.second}`,
        `${z.repeated}${z.second}`,
        `${late}${z.second}`,
      ],
    );
    assert.deepEqual(
      times.map((p) => p.repeat),
      [false, false, false, true, true, true],
    );
    const instants = times.map((p) => Date.parse(p.at));
    assert.deepEqual(
      instants,
      [...instants].sort((a, b) => a - b),
      'in order',
    );
    assert.equal(new Set(instants).size, instants.length, 'distinct');
    assert.equal(Date.parse(times[0].end) - Date.parse(times[0].at), 60_000);
    const day = c.day(z.repeated.slice(0, 10))!;
    assert.equal(Date.parse(day.end) - Date.parse(day.start), 25 * 3600_000 - 1000);
  });
}

test('a series met only in the repeated hour once takes the earlier offset throughout', () => {
  const s = clock('Europe/Berlin').series();
  assert.deepEqual(
    ['2026-10-25T01:45:00', '2026-10-25T02:30:00', '2026-10-25T03:15:00'].map((t) => s.place(t)!.at),
    ['2026-10-25T01:45:00+02:00', '2026-10-25T02:30:00+02:00', '2026-10-25T03:15:00+01:00'],
  );
});

test('a sleep log begun in the gap keeps the offset before it; one begun in the repeated hour the first offset', () => {
  const c = clock('Europe/Berlin');
  assert.equal(c.fixedAt('2026-03-29T02:30:00').place('2026-03-29T02:30:00'), '2026-03-29T02:30:00+01:00');
  assert.equal(c.fixedAt('2026-10-25T02:30:00').place('2026-10-25T06:00:00'), '2026-10-25T06:00:00+02:00');
});
