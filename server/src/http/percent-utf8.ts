// Percent-encoded text (a query string, a form body) must decode to UTF-8: URLSearchParams would silently put
// U+FFFD in place of bytes that are not (%FF, %ED%A0%80) and search for that. https://url.spec.whatwg.org/#percent-decode
import { badRequest } from '../core/outcomes.js';

/** 400 naming the first parameter whose percent-escapes are not UTF-8; a stray `%` is left alone, as URLSearchParams does. */
export function assertPercentUtf8(text: string, where: string): void {
  if (!/%[89a-fA-F][0-9a-fA-F]/.test(text)) return;
  for (const part of text.split('&')) {
    try {
      decodeURIComponent(part.replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
    } catch {
      const name = part.split('=')[0].slice(0, 100);
      throw badRequest(
        `${where}: parameter '${name}' holds percent-escapes that are not UTF-8 (${part.match(/(%[0-9a-fA-F]{2})+/g)?.find((s) => !isUtf8(s)) ?? part.slice(0, 60)})`,
        name,
      );
    }
  }
}

function isUtf8(escapes: string): boolean {
  try {
    decodeURIComponent(escapes);
    return true;
  } catch {
    return false;
  }
}
