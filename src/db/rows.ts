/** Helpers for plain-row reads (hot paths skip entity hydration, DESIGN.md §4). */

/** SQLite stores MikroORM dates as epoch milliseconds; PostgreSQL returns Date objects. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return new Date(Number(value));
  return new Date(String(value));
}

export function toDateOrNull(value: unknown): Date | null {
  return value == null ? null : toDate(value);
}

/** SQLite answers booleans as 0/1. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
