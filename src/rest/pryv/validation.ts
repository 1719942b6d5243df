import { BadInputError } from '../../errors/errors';

/**
 * service-config-leader validates bodies with Joi 17 (every error, unknown keys refused) and answers
 * 400 with the text `Error validating request body. "<path>" <problem>.` per error. These schemas are
 * ours, written to produce the same texts; `joi: true` tells the dialect to answer them as plain text.
 */
type Rule = { kind: 'string' } | { kind: 'words'; allowed: readonly string[] } | { kind: 'object'; keys: Record<string, Rule> };

const string: Rule = { kind: 'string' };
const words = (...allowed: string[]): Rule => ({ kind: 'words', allowed });
const object = (keys: Record<string, Rule>): Rule => ({ kind: 'object', keys });

const permissions = object({
  users: words('read', 'create', 'changePermissions', 'resetPassword', 'delete'),
  settings: words('read', 'update'),
  platformUsers: words('read', 'modify', 'delete'),
});

export const PRYV_BODIES = {
  login: object({ username: string, password: string }),
  createUser: object({ username: string, password: string, permissions }),
  permissions: object({ permissions }),
  changePassword: object({ oldPassword: string, newPassword: string, newPasswordCheck: string }),
} as const;

function check(rule: Rule, value: unknown, path: string, out: string[]): void {
  const label = `"${path}"`;
  switch (rule.kind) {
    case 'string':
      if (typeof value !== 'string') out.push(`${label} must be a string`);
      else if (value === '') out.push(`${label} is not allowed to be empty`);
      return;
    case 'words':
      if (!Array.isArray(value)) {
        out.push(`${label} must be an array`);
        return;
      }
      value.forEach((w, i) => {
        if (typeof w !== 'string' || !rule.allowed.includes(w)) out.push(`"${path}[${i}]" must be one of [${rule.allowed.join(', ')}]`);
      });
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push(`${label} must be of type object`);
        return;
      }
      const v = value as Record<string, unknown>;
      const at = (k: string) => (path ? `${path}.${k}` : k);
      for (const [k, child] of Object.entries(rule.keys)) {
        if (v[k] === undefined) out.push(`"${at(k)}" is required`);
        else check(child, v[k], at(k), out);
      }
      for (const k of Object.keys(v)) if (!(k in rule.keys)) out.push(`"${at(k)}" is not allowed`);
    }
  }
}

/** Refuses `body` with Joi's texts unless it matches `rule`. */
export function validatePryvBody(rule: Rule, body: unknown): void {
  const problems: string[] = [];
  check(rule, body, '', problems);
  if (problems.length > 0) {
    throw new BadInputError(`Error validating request body. ${problems.map((p) => `${p}.`).join(' ')}`, 'body', { joi: true });
  }
}
