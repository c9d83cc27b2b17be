// Tokens are signed and short-lived, but a person who signs out or whom the
// school deactivates must lose them at once: every token check asks this
// hook whether the token's person or session was cut off since it was
// minted. The accounts part provides the answer (accounts/revocation.ts);
// until it is plugged in, or without it, nothing is revoked.
export interface TokenRevocation {
  /** Whether tokens of `subject` (or of its session `sessionId`, when the token names one) stop working. */
  revoked(subject: string, sessionId: string | null): Promise<boolean>;
}

/** A hook made before the part that answers exists (the composition root plugs it in). */
export class RevocationHook implements TokenRevocation {
  private impl: TokenRevocation | null = null;

  use(impl: TokenRevocation): void {
    this.impl = impl;
  }

  revoked(subject: string, sessionId: string | null): Promise<boolean> {
    return this.impl ? this.impl.revoked(subject, sessionId) : Promise.resolve(false);
  }
}
