// How `npm start` ends: Ctrl-C (SIGINT), SIGTERM or a closed terminal (SIGHUP) stop everything
// gracefully; Ctrl-C or SIGTERM once more kills at once. The services and nginx run in their own
// process groups (startStack's `detached`), so these signals reach the runner alone: without that,
// a closed terminal's SIGHUP tells nginx to reload, and it stays on its port after the rest has gone.
'use strict';

// One keypress can arrive twice (from the terminal and again from a wrapper such as npm): a repeat
// this soon is the same request.
const SAME_REQUEST_MS = 500;

/**
 * Calls stop(signal) on the first stop signal, kill(signal) on a later SIGINT or SIGTERM. After
 * SIGHUP the terminal is gone: writing to it would fail, so output errors are ignored from then on.
 */
function onStopSignals({ stop, kill }) {
  let first;
  const ignoreOutputErrors = () => [process.stdout, process.stderr].forEach((stream) => stream.on('error', () => undefined));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (signal === 'SIGHUP') ignoreOutputErrors();
      if (first === undefined) {
        first = Date.now();
        stop(signal);
      } else if (signal !== 'SIGHUP' && Date.now() - first > SAME_REQUEST_MS) {
        kill(signal);
      }
    });
  }
}

module.exports = { onStopSignals };
