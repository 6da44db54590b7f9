// One measurement of bench/wearables in a fresh process (so each has its own heap and peak RSS):
// `tsx bench/wearables/measure.ts <mode> <file>` prints a JSON line {mode, ms, cpuMs, records, observations, maxRssMB}.
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { XmlScanner } from '../../mappings/src/apple/xml-scanner.js';
import { mapAppleHealthXml, mapAppleHealthZip, toTransactionBundle, type MappedBatch } from '../../mappings/src/index.js';

export type Mode = 'read' | 'saxes' | 'scan' | 'map' | 'map-zip' | 'bundle';
const [mode, file] = process.argv.slice(2) as [Mode, string];
const opts = { patientReference: 'Patient/bench', fileName: 'export.xml' };
const chunks = () => createReadStream(file, { highWaterMark: 1 << 20 });
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function run(): Promise<{ records: number; observations: number }> {
  let records = 0;
  let observations = 0;
  const decoder = new StringDecoder('utf8');
  if (mode === 'read') {
    for await (const c of chunks()) records += decoder.write(c as Buffer).length > 0 ? 0 : 0;
  } else if (mode === 'saxes') {
    // The general SAX parser the project has, given the same help the scanner gets: DTD and control characters removed.
    const parser = new SaxesParser();
    let depth = 0;
    parser.on('opentag', (t) => {
      if (depth++ === 1) records++;
      if (t.isSelfClosing) depth--;
    });
    parser.on('closetag', (t) => {
      if (!t.isSelfClosing) depth--;
    });
    let head = true;
    for await (const c of chunks()) {
      let s = decoder.write(c as Buffer);
      if (head) {
        s = s.slice(0, s.indexOf('<!DOCTYPE')) + s.slice(s.indexOf('<HealthData'));
        head = false;
      }
      // eslint-disable-next-line no-control-regex -- strips the control characters XML 1.0 forbids, named on purpose
      parser.write(s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, ''));
    }
    parser.close();
  } else if (mode === 'scan') {
    let depth = 0;
    const scanner = new XmlScanner({
      open: (_name, _attrs, selfClosing) => {
        if (depth === 1) records++;
        if (!selfClosing) depth++;
      },
      close: () => depth--,
    });
    for await (const c of chunks()) scanner.write(decoder.write(c as Buffer));
    scanner.end();
  } else {
    const batches: AsyncIterable<MappedBatch> = mode === 'map-zip' ? mapAppleHealthZip(file, opts) : mapAppleHealthXml(chunks(), opts);
    for await (const b of batches) {
      observations += b.observations.length;
      if (mode === 'bundle') records += JSON.stringify(toTransactionBundle(b)).length > 0 ? 0 : 0;
    }
  }
  return { records, observations };
}

const t0 = performance.now();
const c0 = cpu();
const { records, observations } = await run();
const ms = performance.now() - t0;
const cpuMs = cpu() - c0;
console.log(JSON.stringify({ mode, ms, cpuMs, records, observations, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
