import { Type } from '@mikro-orm/core';

/**
 * A small set of short strings (privileges, tags) stored as one text column, delimited so that
 * membership is a portable `LIKE '%,X,%'` on SQLite and PostgreSQL alike: ",A,B," ("" when empty).
 * Members never contain commas (inputs are validated).
 */
export class StringSetType extends Type<string[], string> {
  override convertToDatabaseValue(value: string[] | string | null | undefined): string {
    if (typeof value === 'string') return value;
    if (!value || value.length === 0) return '';
    return `,${[...new Set(value)].sort().join(',')},`;
  }

  override convertToJSValue(value: string[] | string | null | undefined): string[] {
    return decodeStringSet(value);
  }

  override compareAsType(): string {
    return 'string';
  }

  override getColumnType(): string {
    return 'text';
  }
}

export function decodeStringSet(value: string[] | string | null | undefined): string[] {
  if (Array.isArray(value)) return value;
  if (!value) return [];
  return value.split(',').filter(Boolean);
}

/** The LIKE pattern that finds `member` in a StringSetType column (with `\` as escape character). */
export function setMemberPattern(member: string): string {
  return `%,${member.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
}
