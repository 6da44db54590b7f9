const SVG_NS = 'http://www.w3.org/2000/svg';
function fill(el, attrs, children) {
    for (const [name, value] of Object.entries(attrs)) {
        if (value === undefined || value === false)
            continue;
        el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
        if (child === null || child === undefined || child === false)
            continue;
        el.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }
    return el;
}
export function h(tag, attrs = {}, ...children) {
    return fill(document.createElement(tag), attrs, children);
}
export function s(tag, attrs = {}, ...children) {
    return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}
/** Replaces the contents of the element with the given id. */
export function show(id, ...children) {
    const el = document.getElementById(id);
    if (!el)
        throw new Error(`page has no #${id}`);
    el.replaceChildren();
    fill(el, {}, children);
    return el;
}
