// A streaming scanner for the flat XML of Apple Health exports: start and end tags with their attributes,
// fed in string chunks, in constant memory. It skips the internal DTD subset unparsed (iOS 16 exports a broken
// one), drops control characters XML forbids (iOS 16 writes \x0b into names) and checks well-formedness
// (nesting, attribute syntax, entities), reporting the line of any fault. Text content is ignored: export.xml
// keeps everything in attributes. Much faster than a general SAX parser (see BENCHMARKS.md). Fed bytes as latin1
// (one character per byte: no decoding cost, compact one-byte strings, no UTF-8 sequence cut between chunks),
// it decodes UTF-8 only in the attribute values that hold non-ASCII bytes. The scan is linear in the input
// however it is chunked (markup still arriving is never searched twice), and one tag (with its attributes), comment
// or declaration may be at most `maxMarkup` characters long, so the buffer stays small (XmlMarkupTooLong beyond).
export interface ScanHandler {
  /** `pos` is the tag's offset in the scanner's buffer, good for lineAt() until the handler returns. */
  open(name: string, attrs: Record<string, string>, selfClosing: boolean, pos: number): void;
  close(name: string, pos: number): void;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** A tag, comment or declaration longer than the scanner's limit (a document limit, not malformed XML). */
export class XmlMarkupTooLong extends XmlSyntaxError {}

/** Default longest tag (with its attributes), comment or declaration: real exports stay under a few kilobytes. */
export const DEFAULT_MAX_MARKUP = 1024 * 1024;
/** Values longer than this are decoded each time, not cached: the caches hold many values and must stay small. */
const CACHED_VALUE_CHARS = 512;

const TAG_END = /\s*(\/?)>/y;
/** Outside attribute values, what a search for the end of a tag stops at. */
const QUOTE_OR_GT = /["'>]/g;
const BRACKET_OR_GT = /[[>]/g;
const NAME = /[A-Za-z_:][\w.:-]*/y;
// eslint-disable-next-line no-control-regex -- the control characters XML 1.0 forbids, named on purpose
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;
const HIGH = /[\x80-\xff]/g;
const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export class XmlScanner {
  private buf = '';
  private pos = 0;
  /** Line of buf[lineCursor]; lines are counted lazily, once, as positions are asked for. */
  private lineCursor = 0;
  private line = 1;
  private readonly stack: string[] = [];
  private readonly decoded = new Map<string, string>();
  private rootSeen = false;
  private rootClosed = false;
  /** Latin1 mode: index of the next non-ASCII byte at or after some earlier position (-1: not looked for yet). */
  private nextHigh = -1;
  private readonly utf8Values = new Map<string, string>();
  /**
   * The markup at buf[pos] that is still arriving has been searched for its end up to buf[pending] (0: none is
   * pending); for a tag, `pendingQuote` is the quote that search stopped inside, for a DOCTYPE `pendingClose` is
   * what ends it, once known. So each character is looked at once however many writes a long markup takes.
   */
  private pending = 0;
  private pendingQuote = 0;
  private pendingClose = '';

  /**
   * `latin1`: chunks are bytes read as latin1 (Buffer#toString('latin1')) of a UTF-8 document.
   * `maxMarkup`: the longest tag, comment or declaration, in characters (bytes in latin1 mode).
   */
  constructor(
    private readonly handler: ScanHandler,
    private readonly latin1 = false,
    private readonly maxMarkup = DEFAULT_MAX_MARKUP,
  ) {}

  write(chunk: string): void {
    if (FORBIDDEN.test(chunk)) chunk = chunk.replace(FORBIDDEN, '');
    FORBIDDEN.lastIndex = 0;
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + chunk : chunk;
    this.lineCursor -= this.pos;
    this.pending = Math.max(0, this.pending - this.pos);
    this.pos = 0;
    this.nextHigh = -1;
    this.scan(false);
    // Keep line counting in step with what is dropped from the buffer.
    this.lineAt(this.pos);
  }

  end(): void {
    this.scan(true);
    const rest = this.buf.slice(this.pos);
    if (rest.trim() !== '') throw new XmlSyntaxError('unexpected end of file inside markup', this.lineAt(this.pos));
    if (this.stack.length)
      throw new XmlSyntaxError(
        `unexpected end of file: <${this.stack[this.stack.length - 1]}> is not closed`,
        this.lineAt(this.buf.length),
      );
    if (!this.rootSeen) throw new XmlSyntaxError('no root element', this.lineAt(this.buf.length));
  }

  lineAt(pos: number): number {
    if (pos <= this.lineCursor) return this.line;
    const buf = this.buf;
    let i = buf.indexOf('\n', this.lineCursor);
    while (i !== -1 && i < pos) {
      this.line++;
      i = buf.indexOf('\n', i + 1);
    }
    this.lineCursor = pos;
    return this.line;
  }

  private fail(message: string, at: number): never {
    throw new XmlSyntaxError(message, this.lineAt(at));
  }

  private scan(final: boolean): void {
    const buf = this.buf;
    for (;;) {
      const lt = buf.indexOf('<', this.pos);
      if (lt === -1) {
        this.checkText(this.pos, buf.length);
        this.pos = buf.length;
        return;
      }
      this.checkText(this.pos, lt);
      const next = buf.charCodeAt(lt + 1);
      let end: number;
      if (next === 33 /* ! */ || next === 63 /* ? */) end = this.markupEnd(lt, final);
      else {
        // A tag ends before the next '<' (attribute values cannot hold one). Without one in the buffer, its '>'
        // (outside quotes) tells whether it is complete. No '<' lies before `pending`: the search stopped at none.
        const nextLt = buf.indexOf('<', Math.max(lt + 1, this.pending));
        const limit = nextLt !== -1 ? nextLt : final ? buf.length : this.tagEnd(lt);
        end = limit === -1 ? -1 : next === 47 /* / */ ? this.endTag(lt) : this.startTag(lt, limit);
      }
      if (end === -1) {
        // Still arriving: kept in the buffer, which must not grow without bound.
        if (buf.length - lt > this.maxMarkup) this.tooLong(lt);
        this.pos = lt;
        return;
      }
      if (end - lt > this.maxMarkup) this.tooLong(lt);
      this.pending = 0;
      this.pendingQuote = 0;
      this.pendingClose = '';
      this.pos = end;
    }
  }

  /** Just past the '>' ending the tag at lt, quoted values skipped; -1 (and the search's state kept) if not here yet. */
  private tagEnd(lt: number): number {
    const buf = this.buf;
    let at = Math.max(lt + 1, this.pending);
    let quote = this.pendingQuote;
    for (;;) {
      if (quote) {
        const close = buf.indexOf(quote === 34 ? '"' : "'", at);
        if (close === -1) break;
        quote = 0;
        at = close + 1;
      }
      QUOTE_OR_GT.lastIndex = at;
      const m = QUOTE_OR_GT.exec(buf);
      if (!m) break;
      if (m[0] === '>') return m.index + 1;
      quote = m[0].charCodeAt(0);
      at = m.index + 1;
    }
    this.pending = buf.length;
    this.pendingQuote = quote;
    return -1;
  }

  private tooLong(lt: number): never {
    const buf = this.buf;
    let what: string;
    if (buf.startsWith('<!--', lt)) what = 'a comment';
    else if (buf.startsWith('<![CDATA[', lt)) what = 'a CDATA section';
    else if (buf.startsWith('<!', lt)) what = 'a declaration';
    else if (buf.startsWith('<?', lt)) what = 'a processing instruction';
    else {
      NAME.lastIndex = lt + (buf.charCodeAt(lt + 1) === 47 ? 2 : 1);
      const name = NAME.exec(buf)?.[0].slice(0, 60) ?? '';
      what = `the tag <${buf.charCodeAt(lt + 1) === 47 ? '/' : ''}${name}>`;
    }
    throw new XmlMarkupTooLong(
      `${what} starting here is longer than ${this.maxMarkup} bytes, the most one tag with its attributes, comment or declaration may take`,
      this.lineAt(lt),
    );
  }

  /** Comments, processing instructions, CDATA and the DOCTYPE; -1 when the markup is not complete yet. */
  private markupEnd(lt: number, final: boolean): number {
    const buf = this.buf;
    let close = this.pendingClose;
    let from = lt + 2;
    if (close) {
      // A DOCTYPE whose end was looked for before.
    } else if (buf.startsWith('<!--', lt)) close = '-->';
    else if (buf.startsWith('<?', lt)) close = '?>';
    else if (buf.startsWith('<![CDATA[', lt)) close = ']]>';
    else if (buf.startsWith('<!DOCTYPE', lt)) {
      if (this.rootSeen) this.fail('DOCTYPE after the root element', lt);
      // The internal subset ends at "]>"; its declarations are not read, so a broken one does no harm.
      BRACKET_OR_GT.lastIndex = Math.max(lt, this.pending);
      const m = BRACKET_OR_GT.exec(buf);
      if (!m) {
        if (final) this.fail('unterminated DOCTYPE', lt);
        this.pending = buf.length;
        return -1;
      }
      if (m[0] === '>') return m.index + 1;
      close = this.pendingClose = ']>';
      from = m.index + 1;
    } else {
      if (buf.length - lt < 9 && !final) return -1;
      this.fail('unknown markup declaration', lt);
    }
    const at = buf.indexOf(close, Math.max(from, this.pending - close.length + 1));
    if (at === -1) {
      if (final) this.fail(`unterminated ${close === '-->' ? 'comment' : 'declaration'}`, lt);
      this.pending = buf.length;
      return -1;
    }
    return at + close.length;
  }

  private checkText(from: number, to: number): void {
    if (from >= to || this.stack.length) return;
    // Before the root a byte order mark may come, as \ufeff or, read as latin1, as its three bytes (maybe split).
    const text = this.rootSeen ? this.buf.slice(from, to) : this.buf.slice(from, to).replace(/[\ufeff\xef\xbb\xbf]/g, '');
    if (text.trim() !== '') this.fail(this.rootSeen ? 'text after the root element' : 'text before the root element', from);
  }

  /** `limit` is the next '<' (or the end): a tag and its attribute values never reach it. */
  private startTag(lt: number, limit: number): number {
    const buf = this.buf;
    NAME.lastIndex = lt + 1;
    const m = NAME.exec(buf);
    if (!m) this.fail('a tag name must follow <', lt);
    const name = m[0];
    const attrs: Record<string, string> = {};
    let at = NAME.lastIndex;
    let selfClosing = false;
    // Hand-written rather than a regex: this loop is most of the parsing time of a large export.
    for (;;) {
      let c = buf.charCodeAt(at);
      const spaced = c === 32 || c === 10 || c === 9 || c === 13;
      while (c === 32 || c === 10 || c === 9 || c === 13) c = buf.charCodeAt(++at);
      if (c === 62 /* > */) {
        at++;
        break;
      }
      if (c === 47 /* / */ && buf.charCodeAt(at + 1) === 62) {
        selfClosing = true;
        at += 2;
        break;
      }
      const eq = buf.indexOf('=', at);
      if (!spaced || at >= limit || eq === -1 || eq >= limit) this.fail(`malformed attributes in <${name}>`, lt);
      const key = this.attrName(buf.slice(at, eq), name, lt);
      let q = eq + 1;
      c = buf.charCodeAt(q);
      while (c === 32 || c === 10 || c === 9 || c === 13) c = buf.charCodeAt(++q);
      if (c !== 34 && c !== 39) this.fail(`attribute ${key} of <${name}> needs a quoted value`, lt);
      const close = buf.indexOf(c === 34 ? '"' : "'", q + 1);
      if (close === -1 || close >= limit) this.fail(`attribute ${key} of <${name}> has an unterminated value or a '<' in it`, lt);
      if (Object.prototype.hasOwnProperty.call(attrs, key)) this.fail(`attribute ${key} repeated on <${name}>`, lt);
      let raw = buf.slice(q + 1, close);
      if (this.latin1 && this.highIn(q + 1, close)) raw = this.utf8(raw);
      attrs[key] = raw.indexOf('&') === -1 ? raw : this.decode(raw, lt);
      at = close + 1;
    }
    if (this.stack.length === 0) {
      if (this.rootClosed) this.fail(`a second root element <${name}>`, lt);
      this.rootSeen = true;
    }
    if (!selfClosing) this.stack.push(name);
    else if (this.stack.length === 0) this.rootClosed = true;
    this.handler.open(name, attrs, selfClosing, lt);
    return at;
  }

  /** An attribute name: it must start like an XML name. Spaces are let through: 2015 exports wrote Withings
   *  metadata as attributes named "Health Mate App Version". (Quotes and '<' cannot reach here: see startTag.) */
  private attrName(raw: string, tag: string, lt: number): string {
    const c = raw.charCodeAt(0);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58)) {
      this.fail(`malformed attribute name ${JSON.stringify(raw.trim())} in <${tag}>`, lt);
    }
    const last = raw.charCodeAt(raw.length - 1);
    return last === 32 || last === 9 || last === 10 || last === 13 ? raw.trimEnd() : raw;
  }

  private endTag(lt: number): number {
    const buf = this.buf;
    NAME.lastIndex = lt + 2;
    const m = NAME.exec(buf);
    TAG_END.lastIndex = NAME.lastIndex;
    const e = m && TAG_END.exec(buf);
    if (!m || !e || e[1] === '/') this.fail('malformed end tag', lt);
    const open = this.stack.pop();
    if (open !== m[0]) this.fail(open ? `</${m[0]}> closes <${open}>` : `</${m[0]}> closes nothing`, lt);
    if (this.stack.length === 0) this.rootClosed = true;
    this.handler.close(m[0], lt);
    return TAG_END.lastIndex;
  }

  /** Whether buf[from, to) holds a non-ASCII byte; positions only grow, so the search is linear overall. */
  private highIn(from: number, to: number): boolean {
    if (this.nextHigh < from && this.nextHigh !== Infinity) {
      HIGH.lastIndex = from;
      const m = HIGH.exec(this.buf);
      this.nextHigh = m ? m.index : Infinity;
    }
    return this.nextHigh < to;
  }

  /** A latin1-read value back to the UTF-8 text it is; values repeat (source names), so each is decoded once. */
  private utf8(raw: string): string {
    if (raw.length > CACHED_VALUE_CHARS) return Buffer.from(raw, 'latin1').toString('utf8');
    const known = this.utf8Values.get(raw);
    if (known !== undefined) return known;
    const value = detach(Buffer.from(raw, 'latin1').toString('utf8'));
    if (this.utf8Values.size >= 1000) this.utf8Values.clear();
    this.utf8Values.set(detach(raw), value);
    return value;
  }

  /** Values with entities repeat (every record of a device carries the same device string): decoded once.
   *  The last few are compared first: cheaper than hashing a long string for the map. */
  private readonly recent: string[] = [];
  private decode(raw: string, lt: number): string {
    if (raw.length > CACHED_VALUE_CHARS) return this.decodeNew(raw, lt);
    const recent = this.recent;
    for (let i = 0; i < recent.length; i += 2) if (recent[i] === raw) return recent[i + 1];
    const value = this.decodeKnown(raw, lt);
    if (recent.length >= 16) recent.length = 0;
    recent.push(detach(raw), value);
    return value;
  }

  private decodeKnown(raw: string, lt: number): string {
    const known = this.decoded.get(raw);
    if (known !== undefined) return known;
    const value = detach(this.decodeNew(raw, lt));
    if (this.decoded.size >= 1000) this.decoded.clear();
    this.decoded.set(detach(raw), value);
    return value;
  }

  private decodeNew(raw: string, lt: number): string {
    return raw.replace(ENTITY, (all, hex: string, dec: string, named: string) => {
      if (named) return NAMED[named];
      const code = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : -1;
      if (code < 0 || code > 0x10ffff) this.fail(`bad character reference or unescaped & in ${JSON.stringify(raw.slice(0, 40))}`, lt);
      // Character references to control characters are as stray as the raw ones: dropped.
      return code < 0x20 && code !== 9 && code !== 10 && code !== 13 ? '' : String.fromCodePoint(code);
    });
  }
}

/**
 * A copy of `s` that does not keep the scanner's chunk alive. Attribute values are slices of a chunk of about a
 * megabyte and V8 keeps the whole chunk for as long as a slice lives, so anything kept past its record (caches,
 * tallies) must be detached, or memory grows with the export.
 */
export const detach = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));
