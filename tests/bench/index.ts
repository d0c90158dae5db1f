// `npm run bench [-- NAME...]`: runs the named benchmarks (all by default). Each prints one JSON
// object per line: {"bench": "<name>", ...figures..., "unit": "..."}.
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  extract: () => import('./extract.js'),
  ocr: () => import('./ocr.js'),
  sign: () => import('./sign.js'),
  accuracy: () => import('./accuracy.js'),
  start: () => import('./start.js'),
  register: () => import('./register.js'),
  send: () => import('./send.js'),
  pages: () => import('./pages.js'),
  batch: () => import('./batch.js'),
  chaos: () => import('./chaos.js'),
  ui: () => import('./ui.js'),
};

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('-'));
const selected = names.length ? names : Object.keys(benches);
for (const name of selected) {
  const load = benches[name];
  if (!load) {
    process.stderr.write(`bench: unknown benchmark "${name}" (known: ${Object.keys(benches).join(', ')})\n`);
    process.exitCode = 2;
    continue;
  }
  await (await load()).run(args.filter((a) => a.startsWith('-')));
}
