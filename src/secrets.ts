/**
 * The one list of secret values (filled from the config) and the function that hides them. The
 * emitter masks every byte it writes, so no path to stdout can print a key, whatever it carries.
 *
 * Every line on stdout is JSON, so a mask must never change a line's structure: a secret is only
 * ever replaced inside a JSON string, together with any escape it starts or ends in. Keys that
 * could match the structure itself (digits, punctuation) are refused by the config instead.
 */
const MASK = '**********';

/** Shorter keys would mask common words of the output, rewriting every line. */
export const MIN_SECRET_LENGTH = 8;

/** Printable Latin-1 without spaces: what an HTTP header can carry as it is. */
const PRINTABLE_LATIN1 = /^[!-~\u00a1-\u00ff]+$/;

/** Characters a compact JSON line holds outside its strings: numbers, literals and punctuation. */
const JSON_STRUCTURE = /^[-0-9.eE+:,[\]{}truefalsn]+$/;

/** Spellings masked in JSON lines, longest first so that a form containing another goes whole. */
let lineForms: string[] = [];
/** Every spelling, for plain text such as a server's error title before it is quoted. */
let textForms: string[] = [];

/** Why a value cannot serve as a secret the mask can hide safely, or undefined when it can. */
export function secretProblem(value: string): string | undefined {
  if (value.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters long`;
  if (!PRINTABLE_LATIN1.test(value))
    return 'may only hold printable characters (no spaces, control characters or characters outside Latin-1)';
  if (JSON_STRUCTURE.test(value)) return 'cannot be made only of digits and JSON punctuation';
  return undefined;
}

export function registerSecret(value: string): void {
  if (value.length === 0) return;
  const longestFirst = (forms: Iterable<string>): string[] => [...new Set(forms)].sort((a, b) => b.length - a.length);
  const all = spellings(value).filter((form) => form === value || form.length >= MIN_SECRET_LENGTH);
  lineForms = longestFirst([...lineForms, ...all.filter(maskable)]);
  textForms = longestFirst([...textForms, ...all]);
}

/** Replaces every registered secret in JSON lines, in any of its spellings, by a fixed mask. */
export function maskSecrets(lines: string): string {
  let masked = lines;
  for (const form of lineForms) if (masked.includes(form)) masked = replaceForm(masked, form);
  return masked;
}

/**
 * Server text cut down for a message: masked first, then cut, so that a cut can never leave part
 * of a key that the mask would no longer recognise.
 */
export function maskedExcerpt(text: string, maxChars: number): string {
  let masked = text;
  for (const form of textForms) if (masked.includes(form)) masked = masked.split(form).join(MASK);
  return masked.length <= maxChars ? masked : `${masked.slice(0, maxChars)}…`;
}

/**
 * The spellings in which a key can reach output: raw, JSON-escaped up to three times (a server quoting
 * it in a JSON string, or quoting a text that quoted it), percent-encoded (in a URL, with either encoder and either hex case), and
 * base64 (in a Basic or echoed header) at each of the three byte alignments it can have inside a
 * longer encoded text.
 */
function spellings(value: string): string[] {
  const escape = (text: string): string => JSON.stringify(text).slice(1, -1);
  const json = escape(value);
  const url = new URL('http://mask.invalid/');
  url.pathname = `/${value}`;
  url.search = `?${value}`;
  const percent = [
    encodeURIComponent(value),
    new URLSearchParams({ k: value }).toString().slice(2),
    encodeURI(value),
    url.pathname.slice(1),
    url.search.slice(1),
  ];
  const lowerHex = percent.map((form) => form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  return [value, json, escape(json), escape(escape(json)), ...percent, ...lowerHex, ...base64Spellings(value)];
}

function base64Spellings(value: string): string[] {
  const bytes = Buffer.from(value, 'latin1');
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Only the characters made of the key's bits alone: neither the bytes before it nor after.
    const stable = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    forms.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * Whether a spelling can be masked without touching the structure of a JSON line: long enough not
 * to match ordinary words, with no quote that would end a string, and not made only of what a
 * line holds outside its strings.
 */
function maskable(form: string): boolean {
  if (form.length < MIN_SECRET_LENGTH || JSON_STRUCTURE.test(form) || /^\\+$/.test(form)) return false;
  for (let at = form.indexOf('"'); at >= 0; at = form.indexOf('"', at + 1)) {
    if (backslashesBefore(form, at) % 2 === 0) return false;
  }
  return true;
}

function replaceForm(text: string, form: string): string {
  let out = '';
  let copiedUpTo = 0;
  let at = text.indexOf(form);
  while (at >= 0) {
    const span = maskSpan(text, at, form);
    if (span === undefined) {
      at = text.indexOf(form, at + 1);
      continue;
    }
    out += text.slice(copiedUpTo, span.start) + MASK;
    copiedUpTo = span.end;
    at = text.indexOf(form, span.end);
  }
  return out + text.slice(copiedUpTo);
}

/**
 * What to replace for an occurrence at `at`, widened to whole escapes: a match right after an
 * escaping backslash or inside a \uXXXX takes the escape's start along, and a match ending in an
 * escaping backslash takes the escaped character along. An occurrence whose own escapes would
 * be read differently in place (it starts with a backslash that is itself escaped) is not the
 * secret at all.
 */
function maskSpan(text: string, at: number, form: string): { start: number; end: number } | undefined {
  const escapedStart = backslashesBefore(text, at) % 2 === 1;
  if (escapedStart && form.startsWith('\\')) return undefined;
  let start = escapedStart ? at - 1 : at;
  for (let back = 2; back <= 5 && !escapedStart; back += 1) {
    const escape = at - back;
    if (escape >= 0 && text[escape] === '\\' && text[escape + 1] === 'u' && backslashesBefore(text, escape) % 2 === 0) start = escape;
  }
  let end = at + form.length;
  if (backslashesBefore(text, end) % 2 === 1) end += 1;
  return { start, end: Math.min(end, text.length) };
}

function backslashesBefore(text: string, position: number): number {
  let count = 0;
  while (position - count - 1 >= 0 && text[position - count - 1] === '\\') count += 1;
  return count;
}
