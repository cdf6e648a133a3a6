// Starts a Guestroom server for a test or a measurement — the browser tests, the
// reliability suite, the benchmark, the screenshots all start it here — on port 0, and
// resolves once it prints the address it serves. Loopback only.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Starts `command` (the server `GUESTROOM_BIN` names by default) with `args` and `env` over
 * this process's environment, on a free port of 127.0.0.1. `output`: where its stdout goes
 * (`'ignore'` or `'inherit'`). Its stderr (the log) is read, the last 20,000 characters
 * kept. Rejects when it exits or has not served within 30 s, with its log.
 */
export async function launch({ command = process.env.GUESTROOM_BIN, args = [], env = {}, output = 'ignore' } = {}) {
  const siteRoot = process.env.LEPTOS_SITE_ROOT;
  if (!command || !siteRoot) {
    throw new Error('GUESTROOM_BIN and LEPTOS_SITE_ROOT must be set (scripts/test.sh sets them)');
  }
  const child = spawn(command, args, {
    env: {
      ...process.env,
      PORT: '0',
      BIND_ADDRESS: '127.0.0.1',
      LEPTOS_SITE_ROOT: siteRoot,
      RUST_LOG: 'warn,guestroom=info',
      ...env,
    },
    stdio: ['ignore', output, 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log = (log + chunk).slice(-20_000); });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30_000);
    child.stderr.on('data', () => {
      const match = log.match(/serving (http:\/\/[\d.]+:\d+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${log}`)); });
  });
  return {
    url,
    pid: child.pid,
    log: () => log,
    /** Stops reading the server's stderr (its pipe then fills), and reads it again. */
    stopReadingLog() { child.stderr.pause(); },
    resumeReadingLog() { child.stderr.resume(); },
    /** The resident set size, in MiB. */
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024;
    },
    kill9() { child.kill('SIGKILL'); return exited; },
    stop() { child.kill('SIGTERM'); return exited; },
    exited,
  };
}
