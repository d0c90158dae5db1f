#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled appliance (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const cli = fileURLToPath(new URL('../dist/appliance/cli/main.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('sohoa: not built yet — run "npm run build" in the project folder first\n');
  process.exit(2);
}
await import(cli);
