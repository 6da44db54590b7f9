// The form a clinician records a pain score with (0-10, body sites, note). Without the write scope it says so
// and offers to ask for it (incremental consent) instead of failing on submit.
import { BODY_REGIONS } from './body-regions.js';
import { h } from './dom.js';
import { MAX_NOTE, painObservations, type PainForm } from './pain-record.js';
import type { Observation } from 'fhir/r4.js';

export interface RecordOptions {
  patientId: string;
  performer?: string;
  allowed: boolean;
  /**
   * A standalone launch can relaunch itself asking for the write scope (href); an EHR launch cannot (the EHR
   * holds the launch), so the app remembers to ask at the next launch from the EHR.
   */
  askPermission: { href: string } | { remember: () => void };
  save(observations: Observation[]): Promise<void>;
}

function permissionNeeded(opts: RecordOptions): HTMLElement {
  const ask = opts.askPermission;
  let action: HTMLElement;
  if ('href' in ask) {
    action = h('a', { class: 'button', href: ask.href }, 'Relaunch with permission to record');
  } else {
    action = h('button', { type: 'button' }, 'Ask for permission at the next launch');
    action.addEventListener('click', () => {
      ask.remember();
      action.replaceWith(
        h('span', { role: 'status' }, "Launch FibroTrack again from the patient's chart in the EHR: it will ask for permission to record."),
      );
    });
  }
  return h(
    'div',
    { class: 'notice' },
    h('p', {}, 'This launch did not ask for permission to record data (patient/Observation.c), so the app cannot save a pain score.'),
    h('p', {}, action),
  );
}

export function recordView(opts: RecordOptions): HTMLElement {
  const status = h('p', { class: 'form-status', role: 'status' });
  const score = h('input', {
    id: 'record-score',
    name: 'score',
    type: 'number',
    min: 0,
    max: 10,
    step: 1,
    required: true,
    inputmode: 'numeric',
  }) as HTMLInputElement;
  const note = h('textarea', { id: 'record-note', name: 'note', rows: 2, maxlength: MAX_NOTE }) as HTMLTextAreaElement;
  const sites = h(
    'fieldset',
    { class: 'sites' },
    h('legend', {}, 'Body sites (optional)'),
    ...BODY_REGIONS.map((r) => h('label', {}, h('input', { type: 'checkbox', name: 'site', value: r.code }), ` ${r.label}`)),
  );
  const submit = h('button', { type: 'submit' }, 'Record pain score') as HTMLButtonElement;
  const form = h(
    'form',
    { class: 'record-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'record-score' }, 'Pain score (0 = none, 10 = worst imaginable)'), score),
    h('details', {}, h('summary', {}, 'Body sites'), sites),
    h('div', { class: 'field' }, h('label', { for: 'record-note' }, 'Note (optional)'), note),
    submit,
    status,
  ) as HTMLFormElement;
  if (!opts.allowed) {
    submit.disabled = true;
    return h('div', {}, permissionNeeded(opts), form);
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: PainForm = {
      score: score.value,
      sites: [...form.querySelectorAll<HTMLInputElement>('input[name=site]:checked')].map((i) => i.value),
      note: note.value,
    };
    const result = painObservations(values, opts.patientId, opts.performer, new Date());
    if (!result.ok) {
      status.textContent = result.message;
      status.className = 'form-status error';
      (result.field === 'score' ? score : note).focus();
      return;
    }
    submit.disabled = true;
    status.className = 'form-status';
    status.textContent = 'Saving…';
    opts
      .save(result.observations)
      .then(
        () => {
          status.textContent = `Recorded pain ${values.score} of 10${values.sites.length ? ` at ${values.sites.length} site${values.sites.length === 1 ? '' : 's'}` : ''}.`;
          form.reset();
        },
        (err: unknown) => {
          status.className = 'form-status error';
          status.textContent = `Not saved: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
        },
      )
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
