// User-facing errors: one line that names the problem. Hosts print `message` alone, never a stack.
// `printable` is the one helper that makes user input safe to echo (control characters escaped, one line).

/**
 * `text` as one printable line: control characters (C0, DEL, C1, line and paragraph separators, bidi
 * overrides) are written as escapes (`\n`, `\x1b`, `\u202e`), so echoed input can neither break the line
 * nor drive the terminal; longer than `max` characters, it is cut with an ellipsis.
 */
export function printable(text: string, max = Infinity): string {
  const out = text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      if (c === '\n') return '\\n';
      if (c === '\r') return '\\r';
      if (c === '\t') return '\\t';
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
    },
  );
  return out.length > max ? `${out.slice(0, Math.max(0, max - 1))}…` : out;
}

export class UserError extends Error {
  constructor(message: string) {
    super(printable(message));
    this.name = 'UserError';
  }
}

/** An invalid parameter: names the field and what is allowed. */
export class ParamError extends UserError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ParamError';
  }
}
