import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where development keys live (never in the source): `var/keys` under the working directory, or KEYS_DIR. */
export const devKeysDir = (): string => path.resolve(process.env.KEYS_DIR ?? path.join(process.cwd(), 'var/keys'));

/**
 * Reads a development key file, creating it with `create()` on first use. Several processes may start at
 * once: each writes a private temporary file and links it into place; the first link wins, so nobody reads a
 * half-written key, and the others read the winner's.
 */
export function devKeyFile(name: string, create: () => string): string {
  const file = path.join(devKeysDir(), name);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, create(), { flag: 'wx', mode: 0o600 });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readFileSync(file, 'utf8');
}

/** A random development secret (256 bits, base64url), kept in `var/keys/<name>`. */
export const devSecret = (name: string): string => devKeyFile(name, () => randomBytes(32).toString('base64url')).trim();
