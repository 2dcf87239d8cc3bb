// The neutral model every source is turned into (Daily Papers files, arXiv listings, OAI-PMH, the arXiv
// query API). Parsers produce these plain objects; one upsert stores them, whatever their origin.

export interface UserRecord {
  /** Login name, unique on this instance. */
  username: string;
  fullname?: string;
  avatarUrl?: string;
  /** Identifier on Hugging Face when the user came from an imported file. */
  hfId?: string;
  isPro?: boolean;
}

export interface OrgRecord {
  /** Short unique name, used in URLs (`/orgs/{name}`). */
  name: string;
  fullname?: string;
  avatar?: string;
  hfId?: string;
}

export interface AuthorRecord {
  name: string;
  hfId?: string;
  hidden?: boolean;
  affiliation?: string;
  /** The member who claimed this authorship, with the claim's status (`claimed_verified`, `admin_assigned`). */
  claimedBy?: UserRecord;
  status?: string;
  statusLastChangedAt?: string;
}

export interface PaperRecord {
  /** Canonical arXiv id, without version. */
  id: string;
  version?: number;
  title: string;
  abstract: string;
  authors: AuthorRecord[];
  /** ISO 8601 instants. */
  publishedAt?: string;
  updatedAt?: string;
  categories?: string[];
  primaryCategory?: string;
  comment?: string;
  journalRef?: string;
  doi?: string;
  /**
   * How fresh this description of the paper is (an ISO date or instant): when two sources disagree on
   * the arXiv metadata, the fresher one wins, so that importing files in any order, any number of
   * times, ends in the same state.
   */
  stamp: string;
  /** Community fields, from Daily Papers files. */
  community?: {
    githubRepo?: string;
    githubStars?: number;
    projectPage?: string;
    aiSummary?: string;
    aiKeywords?: string[];
    organization?: OrgRecord;
    discussionId?: string;
    /** Upvotes counted elsewhere (a snapshot); kept apart from votes cast here. */
    upvotes?: number;
    numComments?: number;
  };
}

export interface DailyEntryRecord {
  paperId: string;
  /** The list's day, `YYYY-MM-DD`. */
  day: string;
  /** When the paper was added to the list (ISO instant). */
  addedAt: string;
  /** The list item's own `publishedAt` in Daily Papers bodies. */
  announcedAt?: string;
  submitter?: UserRecord;
  organization?: OrgRecord;
  thumbnail?: string;
  mediaUrls?: string[];
  isAuthorParticipating?: boolean;
}

/** What one source file yields. */
export interface ImportBatch {
  papers: PaperRecord[];
  entries: DailyEntryRecord[];
}

/** Collapses runs of whitespace (arXiv's hard line breaks) so that one text has one form. */
export function cleanText(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
