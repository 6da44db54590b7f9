// smart_style_url (SMART context-style): the EHR's colours and fonts as the app's CSS custom properties. Pure.
// https://build.fhir.org/ig/HL7/smart-app-launch/scopes-and-launch-context.html#styling
/** SMART style property -> the custom property app.css reads. */
const MAPPING = {
    color_text: { variable: '--ink', kind: 'color' },
    color_background: { variable: '--page', kind: 'color' },
    color_highlight: { variable: '--accent', kind: 'color' },
    color_error: { variable: '--alert', kind: 'color' },
    font_family_body: { variable: '--font-body', kind: 'font' },
    font_family_heading: { variable: '--font-heading', kind: 'font' },
    dim_border_radius: { variable: '--radius', kind: 'length' },
};
// Values go into CSS, so only plain colours, font lists and lengths pass: nothing that could load a URL.
const VALID = {
    color: /^(#[0-9a-f]{3,8}|rgba?\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*(,\s*[\d.]+\s*)?\))$/i,
    font: /^[\w\s,"'-]{1,200}$/,
    length: /^\d+(\.\d+)?(px|rem|em)$/,
};
export function styleVariables(style) {
    const out = {};
    if (typeof style !== 'object' || style === null)
        return out;
    for (const [key, value] of Object.entries(style)) {
        const target = MAPPING[key];
        if (!target || typeof value !== 'string')
            continue;
        const trimmed = value.trim();
        if (VALID[target.kind].test(trimmed))
            out[target.variable] = trimmed;
    }
    return out;
}
