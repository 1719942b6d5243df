import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new bearer token: 256 random bits, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A device id for a client that named none: ten capital letters, as Matrix servers commonly give. */
export function generateDeviceId(): string {
  const bytes = randomBytes(10);
  let id = '';
  for (const b of bytes) id += String.fromCharCode(65 + (b % 26));
  return id;
}

/** Device ids a client may name: 1–64 printable ASCII characters without spaces. */
export const DEVICE_ID_PATTERN = /^[\x21-\x7e]{1,64}$/;

/** Tokens are stored and looked up only as their SHA-256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export { bearerToken } from '../shared/bearer';
