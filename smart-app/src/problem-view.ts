// A problem (expired session, 403, not launched...) as an alert the provider cannot miss, with the action that
// fixes it when there is one (relaunch).
import { h } from './dom.js';
import type { Problem } from './errors.js';

export interface ProblemAction {
  label: string;
  href: string;
}

export function problemView(problem: Problem, action?: ProblemAction): HTMLElement {
  return h(
    'div',
    { class: `problem problem-${problem.kind}`, role: 'alert' },
    h('p', { class: 'problem-title' }, h('strong', {}, problem.title)),
    h('p', {}, problem.detail),
    action ? h('p', {}, h('a', { class: 'button', href: action.href }, action.label)) : null,
  );
}
