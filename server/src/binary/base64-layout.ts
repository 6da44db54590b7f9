// Base64 text written in lines (MIME style, as R4's own Binary example: 76 characters, then a separator) keeps its
// layout when its content moves to the blob store, which holds bytes: the line length and separator are recorded
// with the stored row and put back when the content is read, so a read gives back the text that was written.
// Whitespace in no regular layout is not kept (the content reads back as plain base64): docs/rest-api.md#binary.
// https://hl7.org/fhir/R4/datatypes.html#base64Binary

/** The extension on `Binary._data` recording the layout (valueString `<line length> <separator as JSON>`). */
export const BASE64_LAYOUT_URL = 'https://fhir.fibrotrack.org/StructureDefinition/binary-base64-layout';

export interface Base64Layout {
  line: number;
  separator: string;
}

/** The regular line layout of `data`, or undefined when it has no whitespace or none that is regular. */
export function layoutOf(data: string): Base64Layout | undefined {
  const parts = data.split(/(\s+)/);
  if (parts.length < 3 || parts[0] === '' || parts[parts.length - 1] === '') return undefined;
  const line = parts[0].length;
  const separator = parts[1];
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    if (i % 2 === 1 ? parts[i] !== separator : last ? parts[i].length > line : parts[i].length !== line) return undefined;
  }
  return { line, separator };
}

export const formatLayout = (layout: Base64Layout): string => `${layout.line} ${JSON.stringify(layout.separator)}`;

/** Plain base64 laid out in lines again; as it is when `recorded` (the extension's value) is absent or unreadable. */
export function applyLayout(base64: string, recorded: string | undefined): string {
  const m = /^(\d+) (".*")$/s.exec(recorded ?? '');
  const line = m ? Number(m[1]) : 0;
  if (!m || line <= 0) return base64;
  const separator = JSON.parse(m[2]) as string;
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += line) lines.push(base64.slice(i, i + line));
  return lines.join(separator);
}
