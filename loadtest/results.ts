// Appends a measured figure, with when, where and at which commit, to RESULTS.md.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { gitCommit, machineDescription } from './machine.js';

export const RESULTS_PATH = new URL('./RESULTS.md', import.meta.url).pathname;

export function appendResult(title: string, command: string, lines: string[], path = RESULTS_PATH): void {
  if (!existsSync(path)) {
    writeFileSync(
      path,
      '# Load test results\n\nEach entry is appended by a `loadtest/` command; newest last.\n',
    );
  }
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  appendFileSync(
    path,
    `\n## ${title} (${when}, commit ${gitCommit()})\n\n` +
      `Machine: ${machineDescription()}. Command: \`${command}\`\n\n` +
      `\`\`\`\n${lines.join('\n')}\n\`\`\`\n`,
  );
  console.log(`appended to ${path}`);
}
