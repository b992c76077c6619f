/**
 * The one list of secret values (filled from the config) and the function that hides them. The
 * emitter masks every byte it writes, so no path to stdout can print a key, whatever it carries.
 */
const MASK = '**********';
const secretForms = new Set<string>();

export function registerSecret(value: string): void {
  if (value.length === 0) return;
  // A key can reach output raw, JSON-escaped or percent-encoded (inside a quoted URL or body).
  for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
    secretForms.add(form);
  }
}

export function maskSecrets(text: string): string {
  let masked = text;
  for (const secret of secretForms) {
    if (masked.includes(secret)) masked = masked.split(secret).join(MASK);
  }
  return masked;
}
