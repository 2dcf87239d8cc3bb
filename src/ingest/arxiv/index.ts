// arXiv sources: OAI-PMH harvesting and query-API look-ups, turned into PaperRecords.

export type { ArxivLinks, AtomEntry, AtomFeed, AtomParseOptions, AtomSkipped } from './atom.ts';
export { ARXIV_ATOM_NS, ATOM_NS, OPENSEARCH_NS, parseArxivAtom, parseArxivAtomStream } from './atom.ts';
export type { LookupOptions, LookupResult } from './client.ts';
export { ARXIV_API_ENDPOINT, lookupArxivIds } from './client.ts';
export * from './errors.ts';
export type { HarvestEvent, HarvestMetadataPrefix, HarvestOptions, HarvestState } from './harvester.ts';
export { ARXIV_OAI_ENDPOINT, ARXIV_POLITE_DELAY_MS, harvestOaiPmh, listRecordsUrl, newHarvestState } from './harvester.ts';
export type { FetchLike, RetryInfo, Sleep } from './http.ts';
export { parseRetryAfter, realSleep } from './http.ts';
export type { ArxivMetadataPrefix, OaiError, OaiErrorCode, OaiPage, OaiParseOptions, OaiResumptionToken, OaiSkipped } from './oai-pmh.ts';
export { OAI_NS, parseOaiPmh, parseOaiPmhStream } from './oai-pmh.ts';
