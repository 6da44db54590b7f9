// /app/ hosting: pages, modules and the fhirclient bundle with the right types, the CSP on every response.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { appHosting } from './app-hosting.js';

const app = express().use('/app', appHosting('http://fhir.example.org:8080'));
const http = request(app);

test('pages are HTML under a CSP that allows only our own origin', async () => {
  for (const path of ['/app/', '/app/index.html', '/app/launch.html', '/app/standalone.html']) {
    const res = await http.get(path).expect(200);
    assert.match(res.headers['content-type'], /^text\/html/, path);
    const csp = res.headers['content-security-policy'];
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self' http:\/\/fhir\.example\.org:8080;/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!fhir\.example\.org)/);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  }
  const index = await http.get('/app/');
  assert.match(index.text, /<script src="vendor\/fhir-client\.pure\.min\.js" defer><\/script>/);
  assert.doesNotMatch(index.text, /<style|style="|<script>(?!<)|https?:\/\//, 'no inline code, no external resources');
});

test('/app redirects to /app/ so relative URLs resolve', async () => {
  const res = await http.get('/app').expect(301);
  assert.equal(res.headers.location, '/app/');
});

test('compiled modules and the fhirclient bundle are JavaScript; CSS is CSS', async () => {
  const main = await http.get('/app/js/main.js').expect(200);
  assert.match(main.headers['content-type'], /^(text|application)\/javascript/);
  assert.match(main.text, /FHIR\.oauth2\.ready\(\)/);
  const vendor = await http.get('/app/vendor/fhir-client.pure.min.js').expect(200);
  assert.match(vendor.headers['content-type'], /^text\/javascript/);
  assert.ok(vendor.text.length > 10_000);
  const css = await http.get('/app/app.css').expect(200);
  assert.match(css.headers['content-type'], /^text\/css/);
  assert.doesNotMatch(css.text, /@import|@font-face|url\(/, 'no external fonts or stylesheets');
});

test('only the one fhirclient build is exposed, and nothing outside the app', async () => {
  await http.get('/app/vendor/bundle.dev.html').expect(404);
  await http.get('/app/vendor/..%2F..%2Fpackage.json').expect(404);
  await http.get('/app/js/../../package.json').expect(404);
  await http.get('/app/tsconfig.json').expect(404);
  await http.get('/app/src/main.ts').expect(404);
});
