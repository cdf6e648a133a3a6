// Lints the scripts the pages run that are not built from Rust (apps/web/app/src/**/*.js:
// the passkey ceremonies, the emoji picker) with esbuild's checks: a syntax error, or any
// of its warnings (a duplicate key or case, a comparison with NaN or -0, `typeof` against
// a string it can never be, an assignment to a constant…), fails the run.
//
//   node scripts/lint-js.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { formatMessagesSync, transformSync } from 'esbuild';

const root = join(import.meta.dirname, '..');
const scripts = readdirSync(join(root, 'apps/web/app/src'), { recursive: true })
  .filter((path) => path.endsWith('.js'))
  .map((path) => join(root, 'apps/web/app/src', path));
if (scripts.length === 0) throw new Error('no page scripts found under apps/web/app/src');

let problems = 0;
for (const file of scripts) {
  const name = relative(root, file);
  let found;
  try {
    const options = { loader: 'js', sourcefile: name, logLevel: 'silent' };
    found = { kind: 'warning', messages: transformSync(readFileSync(file, 'utf8'), options).warnings };
  } catch (failure) {
    found = { kind: 'error', messages: failure.errors ?? [{ text: String(failure) }] };
  }
  problems += found.messages.length;
  for (const line of formatMessagesSync(found.messages, { kind: found.kind, color: false })) {
    process.stderr.write(line);
  }
}
if (problems > 0) {
  console.error(`${problems} problem(s) in the pages' scripts`);
  process.exit(1);
}
console.log(`page scripts linted: ${scripts.length} files, no problems`);
