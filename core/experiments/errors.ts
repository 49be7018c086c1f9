// User-facing errors: one line that names the problem. Hosts print `message` alone, never a stack.

export class UserError extends Error {
  constructor(message: string) {
    super(message);
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
