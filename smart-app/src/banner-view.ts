// The patient banner (SMART need_patient_banner): name, birth date and age, gender, MRN.
import type { Patient } from 'fhir/r4.js';
import { h } from './dom.js';
import { ageOn, formatDate, formatGender, formatName, medicalRecordNumber } from './format.js';

export function bannerView(patient: Patient, now: Date): HTMLElement {
  const age = ageOn(patient.birthDate, now);
  const born = patient.birthDate ? `${formatDate(patient.birthDate)}${age === undefined ? '' : ` (${age} years)`}` : 'Unknown';
  const item = (label: string, value: string) => h('div', { class: 'banner-item' }, h('dt', {}, label), h('dd', {}, value));
  return h(
    'div',
    { class: 'banner' },
    h('h2', { class: 'banner-name' }, formatName(patient.name)),
    h(
      'dl',
      { class: 'banner-facts' },
      item('Born', born),
      item('Gender', formatGender(patient.gender)),
      item('MRN', medicalRecordNumber(patient.identifier) ?? 'Not recorded'),
    ),
  );
}
