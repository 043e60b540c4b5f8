'use strict';
// Cross-check of talentbot's WeCom callback crypto against the official @wecom/crypto package.
//
//   node crosscheck.js CASES.json [NPM_DIR]
//
// NPM_DIR (or $TALENTBOT_NPM_CACHE) is a directory holding node_modules/@wecom/crypto.
// CASES.json is an array of {name, token, encoding_aes_key, receive_id, timestamp, nonce,
// plaintext, encrypt, random_hex}: `encrypt` is talentbot's ciphertext of `plaintext`.
// Prints one JSON array, one object per case, in order:
//   {name, message, id, signature, encrypt_fixed, encrypt_random} or {name, error}
// where message/id are what @wecom/crypto decrypted from talentbot's `encrypt`, signature is its
// getSignature(token, timestamp, nonce, encrypt), encrypt_fixed its encryption of `plaintext` with
// random_hex as the 16 random bytes, and encrypt_random the same with its own random bytes.
const fs = require('node:fs');
const path = require('node:path');

function loadWecomCrypto(npmDir) {
  if (npmDir) return require(path.join(path.resolve(npmDir), 'node_modules', '@wecom', 'crypto'));
  return require('@wecom/crypto');
}

function main() {
  const [casesPath, npmDirArg] = process.argv.slice(2);
  if (!casesPath) {
    process.stderr.write('usage: node crosscheck.js CASES.json [NPM_DIR]\n');
    process.exit(2);
  }
  const wecom = loadWecomCrypto(npmDirArg || process.env.TALENTBOT_NPM_CACHE);
  const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
  const results = cases.map((c) => {
    try {
      const { message, id } = wecom.decrypt(c.encoding_aes_key, c.encrypt);
      return {
        name: c.name,
        message,
        id,
        signature: wecom.getSignature(c.token, c.timestamp, c.nonce, c.encrypt),
        encrypt_fixed: wecom.encrypt(c.encoding_aes_key, c.plaintext, c.receive_id,
          Buffer.from(c.random_hex, 'hex')),
        encrypt_random: wecom.encrypt(c.encoding_aes_key, c.plaintext, c.receive_id),
      };
    } catch (e) {
      return { name: c.name, error: String(e && e.message ? e.message : e) };
    }
  });
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main();
