import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** Algorithm.Argon2id: the package declares a const enum, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;
import pLimit from 'p-limit';

export interface Argon2Cost {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing behind a small concurrency cap: one hash costs ~30 ms of CPU, so a login flood
 * queues here and slows logins only, never every other request.
 */
export class PasswordHasher {
  private readonly limit: ReturnType<typeof pLimit>;
  private dummyHash?: Promise<string>;

  constructor(
    private readonly cost: Argon2Cost,
    concurrency: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  /** Hashes running and waiting (the metrics' queue depth). */
  queue(): { active: number; pending: number } {
    return { active: this.limit.activeCount, pending: this.limit.pendingCount };
  }

  hash(password: string): Promise<string> {
    return this.limit(() => hash(password, { algorithm: ARGON2ID, ...this.cost }));
  }

  async verify(hashed: string | null | undefined, password: string): Promise<boolean> {
    // An account without a hash (or an unknown user) still pays one verification, so timing
    // does not reveal which usernames exist.
    const target = hashed ?? (await this.getDummyHash());
    const ok = await this.limit(() => verify(target, password).catch(() => false));
    return ok && !!hashed;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hash('gatehouse-dummy-password-for-timing');
    return this.dummyHash;
  }
}

/** Password rules shared by every entry point. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
