// Follows the elements of export.xml: collects each top-level Record and Workout with the metadata it needs,
// maps it, and sorts the result into ready Observations, de-duplication candidates and skips.
import type { Observation } from 'fhir/r4.js';
import { DeviceSet } from '../device.js';
import { MappingError } from '../types.js';
import { AppleDevices } from './apple-devices.js';
import { isMappedType, mapAppleRecord, type AppleRecord } from './apple-records.js';
import { IntervalSet, Spill } from './overlap-filter.js';
import { SkipTally } from './skip-tally.js';
import type { ScanHandler, XmlScanner } from './xml-scanner.js';

const NOT_RECORDS = new Set(['ExportDate', 'Me']);

export class ExportHandler implements ScanHandler {
  scanner!: XmlScanner;
  readonly ready: Observation[] = [];
  readonly devices = new DeviceSet();
  readonly watchSteps = new IntervalSet();
  readonly sleepStages = new IntervalSet();
  readonly spill = new Spill();
  readonly skips: SkipTally;
  private readonly appleDevices = new AppleDevices();
  private readonly idsInBatch = new Set<string>();
  private depth = 0;
  private current?: AppleRecord;
  private inCorrelation = false;

  constructor(
    private readonly fileName: string,
    private readonly patientReference: string,
    private readonly bestEffort: boolean,
  ) {
    this.skips = new SkipTally(fileName);
  }

  open(name: string, attrs: Record<string, string>, selfClosing: boolean, pos: number): void {
    const depth = this.depth;
    if (!selfClosing) this.depth++;
    if (depth === 0) {
      if (name !== 'HealthData')
        throw new MappingError(
          `not an Apple Health export: the root element is <${name}>, not <HealthData>`,
          this.fileName,
          `line ${this.scanner.lineAt(pos)}`,
        );
      return;
    }
    if (depth === 1) {
      if (name === 'Record' || name === 'Workout') {
        this.current = { name, attrs, line: this.scanner.lineAt(pos) };
        if (selfClosing) this.finish();
      } else if (name === 'Correlation') {
        this.inCorrelation = !selfClosing;
        this.skips.drop(
          this.scanner.lineAt(pos),
          `${attrs.type ?? 'Correlation'} is not mapped (its records are mapped where they appear at top level)`,
        );
      } else if (!NOT_RECORDS.has(name)) {
        this.skips.drop(this.scanner.lineAt(pos), `<${name}> is not mapped`);
      }
      return;
    }
    if (depth === 2 && this.current) {
      if (name === 'MetadataEntry') {
        if (attrs.key === 'HKTimeZone') this.current.tz = attrs.value;
        else if (attrs.key === 'HKDeviceManufacturerName') this.current.manufacturer = attrs.value;
      } else if (name === 'WorkoutStatistics' && attrs.type === 'HKQuantityTypeIdentifierActiveEnergyBurned') {
        const kcal = Number(attrs.sum) * (attrs.unit === 'kJ' ? 1 / 4.184 : 1);
        if (Number.isFinite(kcal)) this.current.energy = kcal;
      }
    } else if (depth === 2 && this.inCorrelation && name === 'Record') {
      this.skips.drop(this.scanner.lineAt(pos), 'record inside a Correlation (exported at top level too, counted there)');
    }
  }

  close(name: string): void {
    this.depth--;
    if (this.depth === 1) {
      if (this.current && (name === 'Record' || name === 'Workout')) this.finish();
      if (name === 'Correlation') this.inCorrelation = false;
    }
  }

  /** Called when a batch is handed out: duplicates are looked for within a batch (the server's ifNoneExist does the rest). */
  newBatch(): void {
    this.idsInBatch.clear();
  }

  private finish(): void {
    const rec = this.current!;
    this.current = undefined;
    const type = rec.name === 'Workout' ? (rec.attrs.workoutActivityType ?? '') : (rec.attrs.type ?? '');
    if (type && !isMappedType(rec.name, type)) return this.skips.drop(rec.line, `${type} is not mapped`);
    const outcome = mapAppleRecord(rec, this.patientReference, this.appleDevices);
    if ('bad' in outcome) {
      if (!this.bestEffort) throw new MappingError(outcome.bad, this.fileName, `line ${rec.line}`);
      return this.skips.bad(rec.line, outcome.bad);
    }
    if ('drop' in outcome) return this.skips.drop(rec.line, outcome.drop);
    const { obs, device, group, start, end } = outcome;
    this.devices.add(device);
    if (group === 'other-steps' || group === 'generic-asleep') return this.spill.add({ rec, start, end, group });
    if (group === 'watch-steps') this.watchSteps.add(start, end);
    else if (group === 'sleep-stages') this.sleepStages.add(start, end);
    this.emit(obs, rec.line);
  }

  /** A held-back record let through after the whole export was read: mapped again (it mapped the first time). */
  emitDeferred(rec: AppleRecord): void {
    const outcome = mapAppleRecord(rec, this.patientReference, this.appleDevices);
    if ('obs' in outcome) this.emit(outcome.obs, rec.line);
  }

  emit(obs: Observation, line: number): void {
    const id = obs.identifier![0].value!;
    if (this.idsInBatch.has(id)) return this.skips.drop(line, 'duplicate of an earlier record (same type, source, times and value)');
    this.idsInBatch.add(id);
    this.ready.push(obs);
  }
}
