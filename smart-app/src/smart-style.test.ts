// EHR styling: known properties map to the app's CSS variables; anything that is not a plain value is dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { styleVariables } from './smart-style.js';

test('colours, fonts and radius from smart_style_url become CSS variables', () => {
  assert.deepEqual(
    styleVariables({
      color_background: '#f6f7f9',
      color_error: '#b00020',
      color_highlight: 'rgb(43, 108, 176)',
      color_text: '#1a202c',
      color_modal_backdrop: 'rgba(0,0,0,0.4)',
      dim_border_radius: '4px',
      font_family_body: 'system-ui, "Segoe UI", sans-serif',
    }),
    {
      '--page': '#f6f7f9',
      '--alert': '#b00020',
      '--accent': 'rgb(43, 108, 176)',
      '--ink': '#1a202c',
      '--radius': '4px',
      '--font-body': 'system-ui, "Segoe UI", sans-serif',
    },
  );
});

test('values that could load something or break out of the declaration are ignored', () => {
  assert.deepEqual(
    styleVariables({
      color_highlight: 'url(https://evil.example/x.png)',
      color_text: 'red; background: url(x)',
      font_family_body: 'a}body{display:none',
      dim_border_radius: 'calc(1px + 1px)',
      color_error: 42,
    }),
    {},
  );
  assert.deepEqual(styleVariables(null), {});
  assert.deepEqual(styleVariables('#fff'), {});
});
