// Display formatting: names, dates (no time-zone shift for plain dates), MRN, quantities and durations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ageOn,
  formatDate,
  formatDateTime,
  formatDuration,
  formatGender,
  formatName,
  formatNumber,
  formatQuantity,
  medicalRecordNumber,
} from './format.js';

test('formatName prefers the current official name, then usual, and honours text', () => {
  assert.equal(
    formatName([
      { use: 'nickname', given: ['Jo'] },
      { use: 'official', given: ['Jane', 'Q'], family: 'Doe' },
    ]),
    'Jane Q Doe',
  );
  assert.equal(
    formatName([
      { use: 'official', family: 'Old', period: { end: '2001-01-01' } },
      { use: 'usual', given: ['Ann'], family: 'New' },
    ]),
    'Ann New',
  );
  assert.equal(formatName([{ text: ' Dr. A. Smith ', family: 'Smith' }]), 'Dr. A. Smith');
  assert.equal(formatName([{ prefix: ['Dr.'], given: ['Ada'], family: 'Lovelace' }]), 'Dr. Ada Lovelace');
  assert.equal(formatName(undefined), 'Unnamed');
  assert.equal(formatName([{ use: 'official' }]), 'Unnamed');
});

test('formatDate reads FHIR dates without shifting them by time zone', () => {
  assert.equal(formatDate('1980-04-02'), '2 Apr 1980');
  assert.equal(formatDate('1980-12'), 'Dec 1980');
  assert.equal(formatDate('1980'), '1980');
  assert.equal(formatDate('2026-11-01T23:30:00-05:00'), '1 Nov 2026');
  assert.equal(formatDate(undefined), 'Unknown');
  assert.equal(formatDate('yesterday'), 'yesterday');
});

test('formatDateTime shows the instant in the given time zone', () => {
  assert.equal(formatDateTime('2026-11-01T23:30:00Z', 'UTC'), '1 Nov 2026 23:30');
  assert.equal(formatDateTime('2026-11-01T23:30:00Z', 'Europe/Berlin'), '2 Nov 2026 00:30');
  assert.equal(formatDateTime('2026-11-01', 'Pacific/Honolulu'), '1 Nov 2026');
  assert.equal(formatDateTime('not a dateTime', 'UTC'), 'not a dateTime');
  // The same month name as formatDate, not Intl's en-GB "Sept".
  assert.equal(formatDateTime('2026-09-03T08:05:00Z', 'UTC'), '3 Sep 2026 08:05');
});

test('ageOn counts birthdays reached', () => {
  const now = new Date('2026-04-01T12:00:00Z');
  assert.equal(ageOn('1980-04-02', now), 45);
  assert.equal(ageOn('1980-04-01', now), 46);
  assert.equal(ageOn('1980-03-31', now), 46);
  assert.equal(ageOn('1980', now), undefined);
});

test('formatGender and medicalRecordNumber', () => {
  assert.equal(formatGender('female'), 'Female');
  assert.equal(formatGender(undefined), 'Unknown');
  const mr = { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, value: 'MRN-77' };
  assert.equal(medicalRecordNumber([{ system: 'http://example.org/ssn', value: '123' }, mr]), 'MRN-77');
  assert.equal(medicalRecordNumber([{ system: 'http://example.org/ssn', value: '123' }]), undefined);
});

test('numbers, quantities and durations read the way clinicians write them', () => {
  assert.equal(formatNumber(8432), '8,432');
  assert.equal(formatNumber(1234567.891, 2), '1,234,567.89');
  assert.equal(formatNumber(97.46), '97.5');
  assert.equal(formatNumber(-3.25, 1), '-3.3');
  assert.equal(formatQuantity({ value: 62, unit: '/min', code: '/min' }), '62 beats/min');
  assert.equal(formatQuantity({ value: 6, unit: '{score}' }), '6');
  assert.equal(formatQuantity({ value: 97, unit: '%' }), '97 %');
  assert.equal(formatQuantity({ unit: '%' }), 'No value');
  assert.equal(formatDuration({ value: 440, code: 'min' }), '7 h 20 min');
  assert.equal(formatDuration({ value: 7.5, code: 'h' }), '7 h 30 min');
  assert.equal(formatDuration({ value: 45, unit: 'min' }), '45 min');
  assert.equal(formatDuration({ value: 3, code: 'wk' }), '3 wk');
});
