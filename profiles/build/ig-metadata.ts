// Names and dates of the FibroTrack implementation guide that others code against (fixed: see profiles/README.md).
export const IG = {
  id: 'fibrotrack',
  canonical: 'https://fhir.fibrotrack.org',
  url: 'https://fhir.fibrotrack.org/ImplementationGuide/fibrotrack',
  packageId: 'fibrotrack.fhir.ig',
  version: '0.1.0',
  fhirVersion: '4.0.1',
  name: 'FibroTrack',
  title: 'FibroTrack Implementation Guide',
  description:
    'Profiles, terminology, search parameters and the $import-wearable operation of FibroTrack FHIR: pain severity, medication statements and wearable observations (heart rate, HRV, SpO2, steps, sleep, weight) with their devices.',
  publisher: 'FibroTrack',
  license: 'Apache-2.0',
  /** The release date: the one date in the output (expansion timestamps, IG date), so that rebuilds are identical. */
  date: '2026-12-01',
} as const;
