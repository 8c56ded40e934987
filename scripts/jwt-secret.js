// The JWT secret of one installation, for `npm start` without JWT_SECRET: random, made once,
// kept with the embedded data, readable by its owner only, and handed to the services as a file
// (JWT_SECRET_FILE) so that it shows in no process listing.
'use strict';
const { randomBytes } = require('node:crypto');
const { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const FILE_NAME = 'jwt-secret';
const SECRET_BYTES = 48;

/** Returns the path of dataDir's secret file, making it (mode 0600) when there is none yet. */
function installationJwtSecret(dataDir) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, FILE_NAME);
  let fd;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  if (fd !== undefined) {
    try {
      writeSync(fd, `${randomBytes(SECRET_BYTES).toString('base64url')}\n`);
    } finally {
      closeSync(fd);
    }
    return { file, created: true };
  }
  // Whoever loosened it, the secret signs admin tokens: owner only.
  chmodSync(file, 0o600);
  if (readFileSync(file, 'utf8').trim().length < 32) throw new Error(`${file} holds no usable JWT secret: delete it to have a new one made`);
  return { file, created: false };
}

module.exports = { installationJwtSecret, FILE_NAME };
