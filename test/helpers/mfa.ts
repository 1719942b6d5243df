import { Secret, TOTP } from 'otpauth';
import { gql, type TestApp } from './app';
import type { Actor } from './factories';

/** The TOTP code of `secret` for the time step `steps` away from now (what an authenticator app shows). */
export function totpAt(secret: string, steps = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });
}

/**
 * Waits until the current 30 s step has at least `margin` ms left either side, so a code computed
 * here for step n is still step n when the server checks it.
 */
export async function awayFromStepBoundary(margin = 2500): Promise<void> {
  for (;;) {
    const into = Date.now() % 30_000;
    if (into > margin && into < 30_000 - margin) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Enrols `actor` through GraphQL, confirming with the current step's code (later sign-ins use the next step). */
export async function enrolMfa(t: TestApp, actor: Actor): Promise<{ secret: string; otpauthUri: string; recoveryCodes: string[] }> {
  const start = await gql(t, 'mutation { startMfaEnrolment { secret otpauthUri } }', {}, actor.token);
  if (start.errors) throw new Error(JSON.stringify(start.errors));
  const { secret, otpauthUri } = start.data!.startMfaEnrolment as { secret: string; otpauthUri: string };
  await awayFromStepBoundary();
  const confirm = await gql(t, 'mutation($c: String!) { confirmMfaEnrolment(code: $c) }', { c: totpAt(secret) }, actor.token);
  if (confirm.errors) throw new Error(JSON.stringify(confirm.errors));
  return { secret, otpauthUri, recoveryCodes: confirm.data!.confirmMfaEnrolment as string[] };
}
