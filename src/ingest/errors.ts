/** A source file Folio cannot use, with the reason a person can act on. */
export class RejectedFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** One record of a readable file that was skipped, and why. */
export interface SkippedRecord {
  where: string;
  reason: string;
}
