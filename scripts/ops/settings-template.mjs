#!/usr/bin/env node
// Prints the documented configuration file (every setting, commented out at
// its default, with its meaning; app/settings.ts), with the given values set:
//   node scripts/ops/settings-template.mjs ADMIN_SECRET=… PUBLIC_URL=…
// Runs from a built release (app/settings.js beside it).
const { settingsTemplate, SETTINGS } = await import(new URL('../../app/settings.js', import.meta.url).href);
const values = {};
for (const arg of process.argv.slice(2)) {
  const at = arg.indexOf('=');
  const name = arg.slice(0, at);
  if (at < 1 || !SETTINGS.has(name)) {
    process.stderr.write(`settings-template: ${arg}: not NAME=value with a known setting name\n`);
    process.exit(64);
  }
  values[name] = arg.slice(at + 1);
}
process.stdout.write(settingsTemplate(values));
