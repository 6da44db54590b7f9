// The SSRF rule for rest-hook endpoints, on address literals and names judged without DNS (as at a write).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { endpointProblem } from './endpoint-rules.js';

it('refuses loopback unless allowed, private and special-use always, and http to anything but loopback', async () => {
  assert.match((await endpointProblem('https://127.0.0.1/hook', false))!, /loopback/);
  assert.match((await endpointProblem('https://[::1]/hook', false))!, /loopback/);
  assert.equal(await endpointProblem('http://127.0.0.1:9/hook', true), undefined);
  for (const host of ['10.0.0.5', '192.168.1.1', '172.20.0.1', '169.254.169.254', '[fd00::1]', '[::ffff:10.0.0.1]', '0.0.0.0']) {
    assert.match((await endpointProblem(`https://${host}/hook`, true))!, /private or special-use/, host);
  }
  assert.match((await endpointProblem('http://93.184.216.34/hook', true))!, /must use https/);
  assert.equal(await endpointProblem('https://93.184.216.34/hook', false), undefined);
  assert.match((await endpointProblem('ftp://93.184.216.34/', false))!, /https/);
  assert.match((await endpointProblem('https://user:pw@93.184.216.34/', false))!, /credentials/);
});

it('at a write, judges a name without looking it up: localhost is loopback, other names need https', async () => {
  const atWrite = { resolve: false };
  assert.equal(await endpointProblem('https://receiver.example.org/hook', false, atWrite), undefined);
  assert.match((await endpointProblem('http://receiver.example.org/hook', true, atWrite))!, /must use https/);
  assert.match((await endpointProblem('https://localhost:8443/hook', false, atWrite))!, /loopback/);
  assert.equal(await endpointProblem('http://localhost:9/hook', true, atWrite), undefined);
  assert.match((await endpointProblem('https://10.1.2.3/hook', true, atWrite))!, /private or special-use/);
});
