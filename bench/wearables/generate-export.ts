// Writes a synthetic Apple Health export.xml (and optionally the export.zip the phone makes) of a given size:
// iOS 16 header with its broken DTD, a Watch and an iPhone counting the same steps, sleep stages beside a
// generic Asleep, correlations, workouts, unmapped types and stray control characters, as real exports have.
// Usage: tsx bench/wearables/generate-export.ts --mb 1024 --out /tmp/export.xml [--zip /tmp/export.zip]
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { crc32, createDeflateRaw } from 'node:zlib';
import { pathToFileURL } from 'node:url';

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- iOS 16 broke this DTD: an element declared twice and an attribute list left open -->
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute)*)>
<!ATTLIST WorkoutActivity
  uuid          CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
  duration      CDATA #IMPLIED
  durationUnit  CDATA #IMPLIED
]>
<HealthData locale="en_DE">
 <ExportDate value="2026-11-30 21:14:03 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1980-04-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
`;
const WATCH =
  'device="&lt;&lt;HKDevice: 0x283d5c4b0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:9.1, creation date:2022-11-02 10:12:40 +0000&gt;"';
const PHONE =
  'device="&lt;&lt;HKDevice: 0x283d5c7d0&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:16.1, creation date:2022-11-02 10:12:40 +0000&gt;"';
const W_SRC = 'sourceName="Jane’s Apple\x0bWatch" sourceVersion="9.1"';
const P_SRC = 'sourceName="Jane’s iPhone" sourceVersion="16.1"';

/** A small deterministic generator: the same arguments write the same file. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Apple's date format in a fixed +01:00/+02:00 (summer time from the last Sunday of March to that of October, roughly). */
function appleDate(ms: number): string {
  const d0 = new Date(ms);
  const m = d0.getUTCMonth();
  const summer = m > 2 && m < 9;
  const off = summer ? 2 : 1;
  const d = new Date(ms + off * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0${off}00`;
}

function record(
  type: string,
  src: string,
  dev: string,
  unit: string | undefined,
  value: string | undefined,
  start: number,
  end: number,
  meta = '',
): string {
  const u = unit ? ` unit="${unit}"` : '';
  const v = value !== undefined ? ` value="${value}"` : '';
  const head = ` <Record type="${type}" ${src} ${dev}${u} creationDate="${appleDate(end + 60_000)}" startDate="${appleDate(start)}" endDate="${appleDate(end)}"${v}`;
  return meta ? `${head}>\n${meta} </Record>\n` : `${head}/>\n`;
}

/** One day of data as a string (about 330 KB). */
function day(dayStart: number, r: () => number): string {
  const out: string[] = [];
  const HR = 'HKQuantityTypeIdentifierHeartRate';
  for (let t = dayStart; t < dayStart + 86_400_000; t += 300_000) {
    const at = t + Math.floor(r() * 60_000);
    out.push(
      record(
        HR,
        W_SRC,
        WATCH,
        'count/min',
        String(55 + Math.floor(r() * 60)),
        at,
        at,
        '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="1"/>\n',
      ),
    );
  }
  for (let t = dayStart + 7 * 3600_000; t < dayStart + 22 * 3600_000; t += 600_000) {
    const steps = Math.floor(r() * 900);
    out.push(record('HKQuantityTypeIdentifierStepCount', W_SRC, WATCH, 'count', String(steps), t, t + 540_000));
    // The phone in the pocket counts the same walk.
    out.push(record('HKQuantityTypeIdentifierStepCount', P_SRC, PHONE, 'count', String(Math.floor(steps * 0.9)), t + 30_000, t + 500_000));
    out.push(
      record('HKQuantityTypeIdentifierDistanceWalkingRunning', P_SRC, PHONE, 'km', (steps * 0.0007).toFixed(5), t + 30_000, t + 500_000),
    );
    out.push(record('HKQuantityTypeIdentifierActiveEnergyBurned', W_SRC, WATCH, 'kcal', (r() * 20).toFixed(3), t, t + 540_000));
  }
  const SLEEP = 'HKCategoryTypeIdentifierSleepAnalysis';
  const night = dayStart - 2 * 3600_000;
  out.push(record(SLEEP, P_SRC, PHONE, undefined, 'HKCategoryValueSleepAnalysisInBed', night - 1800_000, night + 8 * 3600_000));
  out.push(record(SLEEP, 'sourceName="SleepApp"', '', undefined, 'HKCategoryValueSleepAnalysisAsleep', night, night + 7.5 * 3600_000));
  const stages = ['AsleepCore', 'AsleepDeep', 'AsleepCore', 'AsleepREM', 'Awake'];
  for (let t = night, i = 0; t < night + 7.5 * 3600_000; t += 900_000, i++) {
    out.push(
      record(
        SLEEP,
        W_SRC,
        WATCH,
        undefined,
        `HKCategoryValueSleepAnalysis${stages[i % 5]}`,
        t,
        t + 900_000,
        '  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>\n',
      ),
    );
  }
  for (let i = 0; i < 6; i++) {
    const at = dayStart + i * 4 * 3600_000;
    out.push(
      record(
        'HKQuantityTypeIdentifierHeartRateVariabilitySDNN',
        W_SRC,
        WATCH,
        'ms',
        (20 + r() * 60).toFixed(4),
        at,
        at + 60_000,
        '  <HeartRateVariabilityMetadataList>\n   <InstantaneousBeatsPerMinute bpm="62" time="8:01:02.44 AM"/>\n  </HeartRateVariabilityMetadataList>\n',
      ),
    );
    out.push(record('HKQuantityTypeIdentifierOxygenSaturation', W_SRC, WATCH, '%', (0.93 + r() * 0.06).toFixed(2), at, at));
  }
  out.push(
    record(
      'HKQuantityTypeIdentifierRestingHeartRate',
      W_SRC,
      WATCH,
      'count/min',
      String(55 + Math.floor(r() * 10)),
      dayStart,
      dayStart + 86_399_000,
    ),
  );
  out.push(
    record(
      'HKQuantityTypeIdentifierBodyMass',
      'sourceName="Scale"',
      '',
      'kg',
      (62 + r() * 2).toFixed(1),
      dayStart + 7 * 3600_000,
      dayStart + 7 * 3600_000,
    ),
  );
  const bp = dayStart + 8 * 3600_000;
  const sys = record('HKQuantityTypeIdentifierBloodPressureSystolic', P_SRC, '', 'mmHg', '121', bp, bp);
  const dia = record('HKQuantityTypeIdentifierBloodPressureDiastolic', P_SRC, '', 'mmHg', '79', bp, bp);
  out.push(
    sys,
    dia,
    ` <Correlation type="HKCorrelationTypeIdentifierBloodPressure" ${P_SRC} creationDate="${appleDate(bp)}" startDate="${appleDate(bp)}" endDate="${appleDate(bp)}">\n ${sys} ${dia} </Correlation>\n`,
  );
  const w = dayStart + 17 * 3600_000;
  out.push(
    ` <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="31.5" durationUnit="min" totalDistance="2.9" totalDistanceUnit="km" totalEnergyBurned="139.317" totalEnergyBurnedUnit="kcal" ${W_SRC} ${WATCH} creationDate="${appleDate(w + 1900_000)}" startDate="${appleDate(w)}" endDate="${appleDate(w + 1890_000)}">\n  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="${appleDate(w)}" duration="10" durationUnit="min"/>\n </Workout>\n`,
  );
  return out.join('');
}

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

export async function generateExport(outPath: string, megabytes: number): Promise<{ bytes: number; days: number }> {
  const out = createWriteStream(outPath);
  const r = rng(42);
  const target = megabytes * 1024 * 1024;
  let bytes = 0;
  let days = 0;
  await write(out, HEADER);
  bytes += Buffer.byteLength(HEADER);
  // Days run backwards from 2026-11-30 so any size stays in the past.
  for (let start = Date.UTC(2026, 10, 29, 23); bytes < target; start -= 86_400_000, days++) {
    const text = day(start, r);
    bytes += Buffer.byteLength(text);
    await write(out, text);
  }
  await write(out, '</HealthData>\n');
  out.end();
  await once(out, 'finish');
  return { bytes, days };
}

/** A zip like the phone's: apple_health_export/export.xml, deflated, sizes in a data descriptor. */
export async function zipExport(xmlPath: string, zipPath: string): Promise<void> {
  const name = Buffer.from('apple_health_export/export.xml');
  const out = createWriteStream(zipPath);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0808, 6); // data descriptor follows, UTF-8 name
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(name.length, 26);
  out.write(local);
  out.write(name);
  let crc = 0;
  let size = 0;
  let compressed = 0;
  const deflate = createDeflateRaw({ level: 1 });
  deflate.on('data', (c: Buffer) => {
    compressed += c.length;
    if (!out.write(c)) deflate.pause();
  });
  out.on('drain', () => deflate.resume());
  for await (const chunk of createReadStream(xmlPath)) {
    crc = crc32(chunk as Buffer, crc);
    size += (chunk as Buffer).length;
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  const desc = Buffer.alloc(16);
  desc.writeUInt32LE(0x08074b50, 0);
  desc.writeUInt32LE(crc, 4);
  desc.writeUInt32LE(compressed, 8);
  desc.writeUInt32LE(size, 12);
  out.write(desc);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0808, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + compressed + 16, 16);
  out.write(central);
  out.write(name);
  out.end(end);
  await once(out, 'finish');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (k: string) => {
    const i = process.argv.indexOf(`--${k}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const out = arg('out') ?? '/tmp/export.xml';
  const { bytes, days } = await generateExport(out, Number(arg('mb') ?? 100));
  console.log(`${out}: ${(bytes / 1048576).toFixed(1)} MB, ${days} days`);
  const zip = arg('zip');
  if (zip) {
    await zipExport(out, zip);
    console.log(`${zip} written`);
  }
}
