// A reporter for `node --test` (run.mjs passes it): every finished test as one JSON line
// `{ file, name, outcome }`, where outcome is pass, fail, skip or todo. Read from events,
// not from the TAP or spec text, whose wording changes between Node versions.
export default async function* reporter(source) {
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    // Suites (describe) are reported too; only tests are counted.
    if (data.details?.type === 'suite') continue;
    let outcome = type === 'test:pass' ? 'pass' : 'fail';
    if (data.skip !== undefined && data.skip !== false) outcome = 'skip';
    else if (data.todo !== undefined && data.todo !== false) outcome = 'todo';
    yield `${JSON.stringify({ file: data.file ?? null, name: data.name, outcome })}\n`;
  }
}
