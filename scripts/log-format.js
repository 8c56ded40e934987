// How `npm start` shows the services' log lines. The services always write JSON, one object a line
// (production, containers and log collectors read that); the runner prints those lines as they are,
// or, in a terminal, one readable line each through pino-pretty. LOG_FORMAT=pretty|json overrides.
'use strict';

const FORMATS = ['pretty', 'json'];

/** pretty in a terminal outside production, json otherwise, unless LOG_FORMAT says which. */
function chooseLogFormat(env, output) {
  if (env.LOG_FORMAT) {
    if (!FORMATS.includes(env.LOG_FORMAT)) throw new Error(`LOG_FORMAT must be ${FORMATS.join(' or ')} (got '${env.LOG_FORMAT}')`);
    return env.LOG_FORMAT;
  }
  return output.isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

// Shown in the message itself (service, context, request id) or already in it (method, route, status, time).
const SHOWN_ELSEWHERE = ['pid', 'hostname', 'name', 'service', 'context', 'requestId', 'req', 'res', 'responseTime', 'route', 'label'];

/**
 * Returns format(label, line): the line to print for one line a process wrote. Lines that are not
 * JSON (nginx, a crash's stack trace) keep their text behind the process's label.
 * colorize: undefined follows the terminal (NO_COLOR and FORCE_COLOR too).
 */
/** A field as it reads in a line: strings as they are, anything else (a message logged as an object) as JSON. */
const text = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

function createLogFormatter(format, { colorize } = {}) {
  if (format === 'json') return (_label, line) => line;
  const { prettyFactory, isColorSupported } = require('pino-pretty');
  const colored = colorize ?? isColorSupported;
  const width = 8;
  const pretty = prettyFactory({
    colorize: colored,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: SHOWN_ELSEWHERE.join(','),
    messageFormat: (log, messageKey, _level, { colors }) => {
      const context = log.context && !log.requestId ? colors.gray(`[${text(log.context)}] `) : '';
      const requestId = log.requestId ? colors.gray(`  req ${text(log.requestId)}`) : '';
      return `${colors.magenta(String(log.label).padEnd(width))} ${context}${text(log[messageKey] ?? '')}${requestId}`;
    },
  });
  const plainLabel = (label) => (colored ? `\u001b[35m${label.padEnd(width)}\u001b[39m` : label.padEnd(width));
  return (label, line) => {
    if (line.startsWith('{')) {
      try {
        return pretty({ ...JSON.parse(line), label }).trimEnd();
      } catch {
        // not JSON after all: printed as text below
      }
    }
    return `${plainLabel(label)} ${line}`;
  };
}

module.exports = { chooseLogFormat, createLogFormatter };
