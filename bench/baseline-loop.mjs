// The minimal sequential reader the benchmark compares against: fetch a page, parse it, print each
// record as a line, follow links.next. No windows, state, validation, retries or rate limiting.
// Usage: node bench/baseline-loop.mjs <first page url> <api key>
let url = process.argv[2];
const key = process.argv[3];
while (url) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const body = JSON.parse(await response.text());
  let out = '';
  for (const record of body.data)
    out += `${JSON.stringify({ type: 'RECORD', record: { stream: 'audit_logs', data: record, emitted_at: Date.now() } })}\n`;
  if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  url = body.links.next;
}
