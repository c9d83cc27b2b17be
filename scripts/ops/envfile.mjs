#!/usr/bin/env node
// Reads settings from /etc/school-call/school-call.env for the shell scripts
// of the units and the backup, with the same parser the server uses (Node's
// util.parseEnv), and prints them as shell assignments, quoted:
//   eval "$(node envfile.mjs /etc/school-call/school-call.env PORT TURN_SECRET …)"
// A name the file does not set prints as empty.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const [file, ...names] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: envfile.mjs FILE NAME…\n');
  process.exit(64);
}
const values = parseEnv(readFileSync(file, 'utf8'));
const quote = (v) => `'${v.replaceAll("'", "'\\''")}'`;
for (const name of names) {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`not a setting name: ${name}`);
  process.stdout.write(`${name}=${quote(process.env[name] ?? values[name] ?? '')}\n`);
}
