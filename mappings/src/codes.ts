// FibroTrack wearable profiles, code systems and the coding of each measure (LOINC where one exists).
import type { CodeableConcept, Coding } from 'fhir/r4.js';

export const FIBROTRACK = 'https://fhir.fibrotrack.org';
export const OBSERVATION_CS = `${FIBROTRACK}/CodeSystem/fibrotrack-observation`;
export const SLEEP_STAGE_CS = `${FIBROTRACK}/CodeSystem/fibrotrack-sleep-stage`;
export const RECORD_ID_SYSTEM = `${FIBROTRACK}/identifier/wearable-record`;
export const DEVICE_ID_SYSTEM = `${FIBROTRACK}/identifier/wearable-device`;
export const DEVICE_PROFILE = `${FIBROTRACK}/StructureDefinition/fibrotrack-wearable-device`;
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const CATEGORY_CS = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** Apple's own identifiers for workout types (HKWorkoutActivityType...), kept beside our component code. */
export const HK_WORKOUT_TYPE_CS = 'https://developer.apple.com/documentation/healthkit/hkworkoutactivitytype';

export type MeasureKind =
  | 'heart-rate'
  | 'resting-heart-rate'
  | 'hrv-sdnn'
  | 'hrv-rmssd'
  | 'oxygen-saturation'
  | 'steps'
  | 'daily-steps'
  | 'sleep-duration'
  | 'sleep-stage'
  | 'body-weight'
  | 'workout'
  | 'active-minutes'
  | 'respiratory-rate';

export interface Measure {
  profile?: string;
  category: 'vital-signs' | 'activity';
  code: CodeableConcept;
  /** UCUM unit of valueQuantity (undefined: the value is a CodeableConcept). */
  unit?: { unit: string; code: string };
}

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });
const ours = (code: string, display: string): Coding => ({ system: OBSERVATION_CS, code, display });
const profile = (name: string) => `${FIBROTRACK}/StructureDefinition/${name}`;
const perMin = { unit: 'beats/minute', code: '/min' };

export const MEASURES: Record<MeasureKind, Measure> = {
  'heart-rate': {
    profile: profile('fibrotrack-heart-rate'),
    category: 'vital-signs',
    code: { coding: [loinc('8867-4', 'Heart rate')], text: 'Heart rate' },
    unit: perMin,
  },
  'resting-heart-rate': {
    profile: profile('fibrotrack-resting-heart-rate'),
    category: 'vital-signs',
    code: { coding: [loinc('40443-4', 'Heart rate --resting')], text: 'Resting heart rate' },
    unit: perMin,
  },
  'hrv-sdnn': {
    profile: profile('fibrotrack-hrv'),
    category: 'vital-signs',
    code: { coding: [loinc('80404-7', 'R-R interval.standard deviation (Heart rate variability)')], text: 'Heart rate variability (SDNN)' },
    unit: { unit: 'ms', code: 'ms' },
  },
  'hrv-rmssd': {
    profile: profile('fibrotrack-hrv'),
    category: 'vital-signs',
    code: { coding: [ours('hrv-rmssd', 'Heart rate variability (RMSSD)')], text: 'Heart rate variability (RMSSD)' },
    unit: { unit: 'ms', code: 'ms' },
  },
  'oxygen-saturation': {
    profile: profile('fibrotrack-oxygen-saturation'),
    category: 'vital-signs',
    code: {
      coding: [
        loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
        loinc('2708-6', 'Oxygen saturation in Arterial blood'),
      ],
      text: 'Oxygen saturation',
    },
    unit: { unit: '%', code: '%' },
  },
  steps: {
    profile: profile('fibrotrack-steps'),
    category: 'activity',
    code: { coding: [loinc('55423-8', 'Number of steps in unspecified time Pedometer')], text: 'Steps' },
    unit: { unit: 'steps', code: '{steps}' },
  },
  'daily-steps': {
    profile: profile('fibrotrack-daily-steps'),
    category: 'activity',
    code: { coding: [loinc('41950-7', 'Number of steps in 24 hour Measured')], text: 'Steps per day' },
    unit: { unit: 'steps/day', code: '/d' },
  },
  'sleep-duration': {
    profile: profile('fibrotrack-sleep-duration'),
    category: 'activity',
    code: { coding: [loinc('93832-4', 'Sleep duration')], text: 'Sleep duration' },
    unit: { unit: 'min', code: 'min' },
  },
  'sleep-stage': {
    profile: profile('fibrotrack-sleep-stage'),
    category: 'activity',
    code: { coding: [ours('sleep-stage', 'Sleep stage')], text: 'Sleep stage' },
  },
  'body-weight': {
    profile: profile('fibrotrack-body-weight'),
    category: 'vital-signs',
    code: { coding: [loinc('29463-7', 'Body weight')], text: 'Body weight' },
    unit: { unit: 'kg', code: 'kg' },
  },
  workout: {
    category: 'activity',
    code: { coding: [loinc('55411-3', 'Exercise duration')], text: 'Workout' },
    unit: { unit: 'min', code: 'min' },
  },
  // A day's minutes of moderate to vigorous activity (Fitbit's fairly + very active minutes): the time spent
  // exercising that day, hence LOINC 55411-3 Exercise duration, with our own code to tell it from one session.
  'active-minutes': {
    category: 'activity',
    code: {
      coding: [loinc('55411-3', 'Exercise duration'), ours('active-minutes', 'Moderate to vigorous active minutes in a day')],
      text: 'Active minutes',
    },
    unit: { unit: 'min', code: 'min' },
  },
  'respiratory-rate': {
    category: 'vital-signs',
    code: { coding: [loinc('9279-1', 'Respiratory rate')], text: 'Breathing rate' },
    unit: { unit: 'breaths/minute', code: '/min' },
  },
};

/** Components of a day's active minutes (Fitbit's activity levels), and of a sleep's breathing rate per stage. */
export const ACTIVITY_LEVEL_COMPONENTS = {
  veryActiveMinutes: ours('very-active-minutes', 'Very active minutes'),
  fairlyActiveMinutes: ours('fairly-active-minutes', 'Fairly active minutes'),
  lightlyActiveMinutes: ours('lightly-active-minutes', 'Lightly active minutes'),
  sedentaryMinutes: ours('sedentary-minutes', 'Sedentary minutes'),
} as const;
export const BREATHING_COMPONENTS = {
  deepSleepSummary: ours('breathing-rate-deep-sleep', 'Breathing rate in deep sleep'),
  lightSleepSummary: ours('breathing-rate-light-sleep', 'Breathing rate in light sleep'),
  remSleepSummary: ours('breathing-rate-rem-sleep', 'Breathing rate in REM sleep'),
} as const;
/** Fitbit's own activity types (activityId of https://dev.fitbit.com/build/reference/web-api/activity/get-all-activity-types/). */
export const FITBIT_ACTIVITY_CS = 'https://dev.fitbit.com/build/reference/web-api/activity/get-all-activity-types';

/** Component codes of a sleep episode (minutes in each stage). */
export const SLEEP_COMPONENTS = {
  deep: loinc('93831-6', 'Deep sleep duration'),
  light: loinc('93830-8', 'Light sleep duration'),
  rem: loinc('93829-0', 'REM sleep duration'),
  awake: ours('sleep-awake', 'Time awake during sleep'),
} as const;

export const WORKOUT_COMPONENTS = {
  activity: loinc('73985-4', 'Exercise activity'),
  energy: loinc('41981-2', 'Calories burned'),
  distance: ours('exercise-distance', 'Distance covered in the exercise'),
  steps: loinc('55423-8', 'Number of steps in unspecified time Pedometer'),
} as const;

/** Components kept beside a measure's main value where the source measured more (issue 23 item 6). */
export const EXTRA_COMPONENTS = {
  spo2Min: ours('oxygen-saturation-min', 'Lowest oxygen saturation of the period'),
  spo2Max: ours('oxygen-saturation-max', 'Highest oxygen saturation of the period'),
  restless: ours('sleep-restless', 'Time restless during sleep'),
  asleep: ours('sleep-asleep', 'Time asleep (classic sleep log)'),
} as const;

export type SleepStage = 'in-bed' | 'asleep' | 'awake' | 'light' | 'deep' | 'rem' | 'restless';

const STAGE_DISPLAY: Record<SleepStage, string> = {
  'in-bed': 'In bed',
  asleep: 'Asleep',
  awake: 'Awake',
  light: 'Light sleep',
  deep: 'Deep sleep',
  rem: 'REM sleep',
  restless: 'Restless',
};

export const sleepStageConcept = (stage: SleepStage): CodeableConcept => ({
  coding: [{ system: SLEEP_STAGE_CS, code: stage, display: STAGE_DISPLAY[stage] }],
  text: STAGE_DISPLAY[stage],
});
