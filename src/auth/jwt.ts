import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { jwtVerify, SignJWT } from 'jose';
import { ServerSecret } from './server-secret.entity';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A compact JWS: three base64url parts. Anything else is an opaque token. */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/**
 * HS256 session tokens (the Pryv.io admin login). Verification pins the algorithm and requires
 * `exp`; a token that verifies must still be on record (logout and password changes delete it).
 */
export class JwtSigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: Record<string, unknown>, subject: string, expiresAt: Date): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuedAt()
      .setJti(randomBytes(12).toString('base64url'))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  async verify(token: string): Promise<boolean> {
    try {
      await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * A server secret: the value from the environment when set, else one generated on first start and kept
 * in `server_secrets` under `name` (insert-if-absent, so concurrent first starts of several instances agree).
 */
export async function loadServerSecret(em: EntityManager, name: string, fromEnv?: string): Promise<string> {
  if (fromEnv) return fromEnv;
  const existing = await em.findOne(ServerSecret, { name });
  if (existing) return existing.value;
  try {
    await em.insert(ServerSecret, { name, value: randomBytes(48).toString('base64url'), createdAt: new Date() });
  } catch (err) {
    // Another instance stored one first: use theirs.
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
  }
  return (await em.fork().findOneOrFail(ServerSecret, { name })).value;
}

/** The JWT signing secret: JWT_SECRET, else the stored one. */
export function loadJwtSecret(em: EntityManager, fromEnv?: string): Promise<string> {
  return loadServerSecret(em, 'jwt', fromEnv);
}
