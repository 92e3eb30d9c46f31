import { SourceError } from "../shared/errors.ts";

/**
 * Errors of the Z39.50 client (zoomsh). `Z3950Error` is the root and always names the target
 * (host:port/database); `retryable` (see SourceError) says whether asking again may help.
 */
export class Z3950Error extends SourceError {}

/**
 * An error the target or the ZOOM layer reported, e.g. "Connect failed (ZOOM:10000)" or
 * "Unsupported Use attribute (Bib-1:114) 9999". `set` is the diagnostic set ("Bib-1", "ZOOM", ...).
 */
export class Z3950DiagnosticError extends Z3950Error {
  constructor(
    readonly target: string,
    readonly set: string,
    readonly code: number,
    readonly diagnosticMessage: string,
    readonly addinfo: string,
  ) {
    super(
      `Z39.50 ${target}: ${diagnosticMessage} (${set}:${code})${addinfo ? ` ${addinfo}` : ""}`,
      // ZOOM 10000 connect failed, 10004 server or network error, 10007 timeout
      { retryable: set === "ZOOM" && (code === 10000 || code === 10004 || code === 10007) },
    );
  }

  /** The target could not be reached at all. */
  get connectionFailed(): boolean {
    return this.set === "ZOOM" && this.code === 10000;
  }
}

/** zoomsh did not finish within the timeout (it is killed). Retryable. */
export class Z3950TimeoutError extends Z3950Error {
  constructor(message: string) {
    super(message, { retryable: true });
  }
}

/** YAZ's zoomsh is not installed (Debian package `yaz`). */
export class ZoomshNotFoundError extends Z3950Error {}
