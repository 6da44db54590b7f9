// A problem (expired session, 403, not launched...) as an alert the provider cannot miss.
import { h } from './dom.js';
export function problemView(problem) {
    return h('div', { class: `problem problem-${problem.kind}`, role: 'alert' }, h('p', { class: 'problem-title' }, h('strong', {}, problem.title)), h('p', {}, problem.detail));
}
