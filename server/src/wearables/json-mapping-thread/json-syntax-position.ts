// Where a text stops being JSON (RFC 8259, https://www.rfc-editor.org/rfc/rfc8259): JSON.parse in Node 20 names
// no position for most errors ("Unexpected token 'x', ... is not valid JSON"), so after it fails this walks the text
// once and returns the index of the first character that cannot be there (the text's length when it ends too early).
const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- RFC 8259 forbids unescaped U+0000-U+001F in strings: named on purpose
const STRING_CHAR = /[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class Stop extends Error {
  constructor(readonly at: number) {
    super(`not JSON from index ${at}`);
  }
}

export function jsonSyntaxPosition(text: string): number | undefined {
  let i = 0;
  const fail = (at = i): never => {
    throw new Stop(at);
  };
  const ws = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) if (text[i++] !== ch) fail(i - 1);
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (text[i] !== '"') {
      if (i >= text.length) fail();
      STRING_CHAR.lastIndex = i;
      if (!STRING_CHAR.exec(text)) fail(text[i] === '\\' ? i + 1 : i);
      i = STRING_CHAR.lastIndex;
    }
    i++;
  };
  // Iterative over nesting: a hostile file of a million '[' must not overflow the stack.
  const value = () => {
    const stack: ('{' | '[')[] = [];
    for (;;) {
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) i++;
        else {
          stack.push(c);
          if (c === '{') key();
          continue;
        }
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else {
        NUMBER.lastIndex = i;
        if (!NUMBER.exec(text)) fail();
        i = NUMBER.lastIndex;
      }
      // After a value: close containers or go on to the next member.
      for (;;) {
        const top = stack.at(-1);
        if (!top) return;
        ws();
        if (text[i] === ',') {
          i++;
          if (top === '{') key();
          break;
        }
        if (text[i] !== (top === '{' ? '}' : ']')) fail();
        i++;
        stack.pop();
      }
    }
  };
  const key = () => {
    ws();
    string();
    ws();
    if (text[i] !== ':') fail();
    i++;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return Math.min(e.at, text.length);
    throw e;
  }
}
