// Join codes: eight digits for workshops made now, six for those made before the change. People
// type and link them with or without spaces or dashes; screens show them in two groups, which a
// room reads off a projector more easily than eight digits in a row.

/** The digits of a code as typed, linked or spoken ("1234 5678", "1234-5678" → "12345678"). */
export const joinCodeDigits = (text: string): string => text.replace(/\D/g, '');

/** Whether the text could be a code: eight digits, or six for a workshop made before. */
export const isJoinCode = (text: string): boolean => /^(?:\d{6}|\d{8})$/.test(joinCodeDigits(text));

/** A code as screens show it: "1234 5678" (a six-digit one: "482 913"). */
export function groupedCode(code: string): string {
  const digits = joinCodeDigits(code);
  if (!isJoinCode(digits)) return code;
  const half = digits.length / 2;
  return `${digits.slice(0, half)} ${digits.slice(half)}`;
}
