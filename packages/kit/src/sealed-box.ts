import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { devSecret } from './dev-keys.js';

const VERSION = 'v1';

/** A 256-bit key given as base64 or base64url (44 or 43 characters); parsed to its 32 bytes. */
export const aesKey = z.string().transform((text, ctx) => {
  const bytes = /^[A-Za-z0-9+/_-]{43}=?$/.test(text.trim()) ? Buffer.from(text.trim(), 'base64url') : Buffer.alloc(0);
  if (bytes.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64 or base64url (e.g. `openssl rand -base64 32`)' });
    return z.NEVER;
  }
  return bytes;
});

/** Opening failed: wrong key, tampered text, or sealed for another context. Says nothing about the plain text. */
export class SealedBoxError extends Error {
  constructor() {
    super('The sealed value could not be opened (wrong key, altered, or sealed for another record)');
    this.name = 'SealedBoxError';
  }
}

/**
 * AES-256-GCM for a secret that must be stored or sent but read by one party only. `context` is bound in as
 * associated data (e.g. the order id), so a sealed value copied onto another record does not open.
 * Sealed form: `v1.<iv>.<ciphertext>.<tag>`, each base64url.
 */
export class SealedBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SealedBox needs a 32-byte key');
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, body, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(sealed: string, context: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) throw new SealedBoxError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedBoxError();
    }
  }
}

/** Outside production: the key the order service and the payment worker share through var/keys (or KEYS_DIR). */
export const devPaymentTokenKey = (): Buffer => aesKey.parse(devSecret('payment-token-key'));
