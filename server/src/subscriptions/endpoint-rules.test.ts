// The SSRF rule for rest-hook endpoints, on address literals (no DNS needed).
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
