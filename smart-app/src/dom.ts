// Tiny DOM builders: elements from tag, attributes and children, text always as text nodes (never innerHTML).
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill<E extends Element>(el: E, attrs: Attrs, children: Child[]): E {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  return fill(document.createElement(tag), attrs, children);
}

export function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces the contents of the element with the given id. */
export function show(id: string, ...children: Child[]): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page has no #${id}`);
  el.replaceChildren();
  fill(el, {}, children);
  return el;
}
