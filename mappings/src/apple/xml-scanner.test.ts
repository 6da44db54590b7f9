// The export.xml scanner: the tags and attributes a SAX parser would give, in any chunking, the faults of
// malformed XML with their line, and the iOS 16 faults it tolerates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XmlScanner, XmlSyntaxError } from './xml-scanner.js';

type Event = [string, string, Record<string, string>?, number?];

function scan(chunks: string[]): Event[] {
  const events: Event[] = [];
  const s: XmlScanner = new XmlScanner({
    open: (name, attrs, selfClosing, pos) => events.push([selfClosing ? 'empty' : 'open', name, { ...attrs }, s.lineAt(pos)]),
    close: (name) => events.push(['close', name]),
  });
  for (const c of chunks) s.write(c);
  s.end();
  return events;
}

const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ATTLIST VisionPrescription
  brand CDATA #IMPLIED

<!ELEMENT Broken (]>
<!-- a comment with <tags> inside -->
<HealthData locale='en_US'>
 <Record type="A" value="1 &lt; 2 &amp;&amp; &#x41;&#66;" sourceName="Jane\x0bs Watch" >
  <MetadataEntry key="k" value="v"/>
 </Record>
 <![CDATA[ <Record type="not a record"/> ]]>
 <Record
   type="B"
   note="a > b"/>
</HealthData>
`;

test('tags, attributes (entities decoded, control characters dropped) and lines; DTD, comments and CDATA skipped', () => {
  assert.deepEqual(scan([DOC]), [
    ['open', 'HealthData', { locale: 'en_US' }, 8],
    ['open', 'Record', { type: 'A', value: '1 < 2 && AB', sourceName: 'Janes Watch' }, 9],
    ['empty', 'MetadataEntry', { key: 'k', value: 'v' }, 10],
    ['close', 'Record'],
    ['empty', 'Record', { type: 'B', note: 'a > b' }, 13],
    ['close', 'HealthData'],
  ]);
});

test('any chunking gives the same events: one character at a time, or cut inside tags, comments and the DTD', () => {
  const whole = scan([DOC]);
  assert.deepEqual(scan([...DOC]), whole);
  for (const size of [2, 7, 13, 50]) {
    const chunks: string[] = [];
    for (let i = 0; i < DOC.length; i += size) chunks.push(DOC.slice(i, i + size));
    assert.deepEqual(scan(chunks), whole, `chunks of ${size}`);
  }
});

const fault = (xml: string, message: RegExp, line: number) => {
  assert.throws(
    () => scan([xml]),
    (e: unknown) => {
      assert.ok(e instanceof XmlSyntaxError, String(e));
      assert.match(e.message, message);
      assert.equal(e.line, line, e.message);
      return true;
    },
  );
};

test('malformed XML is refused with the line of the fault', () => {
  fault('<HealthData>\n <Record type="A">\n</HealthData>', /<\/HealthData> closes <Record>/, 3);
  fault('<HealthData>\n <Record type=A/>\n</HealthData>', /attribute type of <Record> needs a quoted value/, 2);
  fault('<HealthData>\n\n <Record type="A" type="B"/>\n</HealthData>', /attribute type repeated on <Record>/, 3);
  fault('<HealthData>\n <Record type="A"value="1"/>\n</HealthData>', /malformed attributes in <Record>/, 2);
  fault('<HealthData>\n <Record type="A &nbsp; B"/>\n</HealthData>', /bad character reference or unescaped &/, 2);
  fault('<HealthData>\n <Record type="A/>\n</HealthData>', /unterminated value or a '<' in it/, 2);
  fault('<HealthData>\n <Record type="A"/>\n', /<HealthData> is not closed/, 3);
  fault('<HealthData/>\n<HealthData/>', /a second root element/, 2);
  fault('hello <HealthData/>', /text before the root element/, 1);
  fault('<HealthData>\n<!-- never closed\n</HealthData>', /unterminated comment/, 2);
  fault('<?xml version="1.0"?>\n', /no root element/, 2);
  fault('<HealthData>\n <1Record/>\n</HealthData>', /a tag name must follow </, 2);
});

test('attribute names with spaces (Withings metadata in 2015 exports) are let through', () => {
  assert.deepEqual(scan(['<R type="A" Health Mate App Version="2.6.0"/>'])[0][2], { type: 'A', 'Health Mate App Version': '2.6.0' });
});

/** Fed in chunks of `size` to a scanner whose markup limit is `max`; the events, or the error thrown. */
function scanLimited(text: string, size: number, max: number): Event[] | XmlSyntaxError {
  const events: Event[] = [];
  const s: XmlScanner = new XmlScanner(
    {
      open: (name, attrs, selfClosing) => events.push([selfClosing ? 'empty' : 'open', name, { ...attrs }]),
      close: (name) => events.push(['close', name]),
    },
    false,
    max,
  );
  try {
    for (let i = 0; i < text.length; i += size) s.write(text.slice(i, i + size));
    s.end();
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
  return events;
}

test('a tag, comment or declaration longer than the limit is refused with its line, whole or in chunks', () => {
  const long = 'x'.repeat(2000);
  const cases: [string, RegExp][] = [
    [`<HealthData>\n\n <Record type="${long}"/>\n</HealthData>`, /the tag <Record> starting here is longer than 1000 bytes/],
    [`<HealthData>\n\n <!--${long}-->\n</HealthData>`, /a comment starting here is longer than 1000 bytes/],
    [`<HealthData>\n\n <?pi ${long}?>\n</HealthData>`, /a processing instruction starting here is longer than 1000 bytes/],
    [`<HealthData>\n\n <![CDATA[${long}]]>\n</HealthData>`, /a CDATA section starting here/],
    [`<?xml version="1.0"?>\n\n<!DOCTYPE HealthData [\n<!-- ${long} -->\n]>\n<HealthData/>`, /a declaration starting here/],
    [`<HealthData>\n\n </HealthData${' '.repeat(2000)}>`, /the tag <\/HealthData> starting here/],
  ];
  for (const [xml, message] of cases) {
    for (const size of [xml.length, 100, 7]) {
      const out = scanLimited(xml, size, 1000);
      assert.ok(out instanceof XmlSyntaxError, `${message} in chunks of ${size}`);
      assert.match(out.message, message);
      assert.equal(out.line, 3, out.message);
    }
  }
});

test('markup up to the limit, and any amount of text between tags, pass in any chunking', () => {
  const value = 'v'.repeat(900);
  const xml = `<HealthData>${' '.repeat(50_000)}<Record a="${value}" b='>"' c="x>y"/><!--${'c'.repeat(900)}-->\n${'\n'.repeat(50_000)}</HealthData>`;
  const expected: Event[] = [
    ['open', 'HealthData', {}],
    ['empty', 'Record', { a: value, b: '>"', c: 'x>y' }],
    ['close', 'HealthData'],
  ];
  for (const size of [xml.length, 4096, 100, 3]) assert.deepEqual(scanLimited(xml, size, 1000), expected, `chunks of ${size}`);
});
