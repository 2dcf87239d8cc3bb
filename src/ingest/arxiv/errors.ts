// Typed errors of the arXiv clients and parsers. Callers branch on the class (`instanceof`), never on the
// message text; every message still says plainly what went wrong and where.

/** Base class: anything the arXiv ingest code throws on purpose. */
export class ArxivIngestError extends Error {
  override name = 'ArxivIngestError';
}

export interface XmlErrorPosition {
  line?: number;
  column?: number;
  /** Where the document came from (a URL or file name), when the caller said. */
  source?: string;
}

/**
 * A document that cannot be read: not XML, not well-formed, truncated, too large, has a DOCTYPE, or is
 * XML of the wrong kind (an HTML error page). Never returned as a partial result.
 */
export class XmlDocumentError extends ArxivIngestError {
  override name = 'XmlDocumentError';
  readonly line?: number;
  readonly column?: number;
  readonly source?: string;
  constructor(message: string, pos: XmlErrorPosition = {}, options?: { cause?: unknown }) {
    super(message, options);
    if (pos.line !== undefined) this.line = pos.line;
    if (pos.column !== undefined) this.column = pos.column;
    if (pos.source !== undefined) this.source = pos.source;
  }
}

/** An OAI-PMH response that cannot be read (see {@link XmlDocumentError}). */
export class OaiParseError extends XmlDocumentError {
  override name = 'OaiParseError';
}

/** An arXiv query-API (Atom) response that cannot be read (see {@link XmlDocumentError}). */
export class AtomParseError extends XmlDocumentError {
  override name = 'AtomParseError';
}

/** An OAI-PMH error the harvester cannot work around (`badArgument`, `badVerb`, `cannotDisseminateFormat`...). */
export class OaiProtocolError extends ArxivIngestError {
  override name = 'OaiProtocolError';
  constructor(
    readonly code: string,
    readonly oaiMessage: string,
    readonly url?: string,
  ) {
    super(`OAI-PMH error ${code}: ${oaiMessage}${url ? ` (${url})` : ''}`);
  }
}

/**
 * The arXiv query API answered with its error feed (an entry titled "Error", e.g. for `id_list=abc`:
 * "incorrect id format for abc"), usually with HTTP 400.
 */
export class ArxivApiError extends ArxivIngestError {
  override name = 'ArxivApiError';
  constructor(
    /** arXiv's own explanation, e.g. `incorrect id format for abc`. */
    readonly detail: string,
    /** The error entry's id, e.g. `https://arxiv.org/api/errors#incorrect_id_format_for_abc`. */
    readonly errorId?: string,
    readonly status?: number,
  ) {
    super(`arXiv API error${status ? ` (HTTP ${status})` : ''}: ${detail}`);
  }
}

/** Ids rejected before any request was made. */
export class InvalidArxivIdError extends ArxivIngestError {
  override name = 'InvalidArxivIdError';
  constructor(readonly invalid: string[]) {
    super(`not arXiv ids: ${invalid.map((s) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s)).join(', ')}`);
  }
}

/** An HTTP exchange that failed for good: a status that is not retried, or retries used up. */
export class ArxivHttpError extends ArxivIngestError {
  override name = 'ArxivHttpError';
  readonly url: string;
  /** The last HTTP status, when a response arrived at all. */
  readonly status?: number;
  /** How many requests were made for this URL. */
  attempts: number;
  constructor(message: string, info: { url: string; status?: number; attempts: number }, options?: { cause?: unknown }) {
    super(message, options);
    this.url = info.url;
    if (info.status !== undefined) this.status = info.status;
    this.attempts = info.attempts;
  }
}
