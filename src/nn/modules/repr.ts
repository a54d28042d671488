/** Python-style number formatting for module reprs (`1.0`, `0.01`, `1e-05`). */

/**
 * Formats a number as Python prints a float: integers get `.0`, exponents two digits.
 *
 * @param value - The number.
 * @returns Its Python `repr`.
 */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1);
  const s = String(value);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
