// A local stand-in for arXiv's two APIs, for tests: a node:http server on 127.0.0.1 (port 0) that speaks
// - OAI-PMH at /oai2: Identify, ListRecords, GetRecord (metadataPrefix, set, from, until, resumptionToken),
//   with the protocol's errors (badVerb, badArgument, badResumptionToken, cannotDisseminateFormat,
//   idDoesNotExist, noRecordsMatch);
// - the query API at /api/query (id_list=...).
// It (a) replays the recorded real responses of shared/data/arxiv-api when a request matches one, and (b) serves
// a corpus (by default the ~71,700 papers of the arXiv listings) as `arXiv`-format pages of `pageSize` records
// with resumption tokens, honouring from/until/set. Faults can be injected on chosen requests (503 +
// Retry-After, a connection dropped mid-response, a malformed page, a bad resumption token, any status), and
// every request is logged with a high-resolution timestamp so tests can check the client's pacing.

import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArxivId } from '../../../src/domain/arxiv-id.ts';
import { FIXTURES } from '../shared-paths.ts';
import { inSet, loadListingsCorpus, type StandinPaper, setSpecsOf } from './corpus.ts';
import { document, el, optEl, type Raw } from './xml-builder.ts';

export const ARXIV_API_DATA_DIR = `${join(FIXTURES, 'arxiv-api')}/`;

export type StandinFault =
  /** 503 (or `status`) with an optional Retry-After header (seconds, or an HTTP date). */
  | { kind: 'unavailable'; retryAfter?: string; status?: number }
  /** Headers and part of the real body are sent, then the socket is destroyed. */
  | { kind: 'drop' }
  /** 200 with the real page cut in the middle (not well-formed XML). */
  | { kind: 'malformed' }
  /** The OAI error badResumptionToken, whatever the request. */
  | { kind: 'badResumptionToken' }
  /** Any status and body. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** No answer at all (until the client gives up or the server closes). */
  | { kind: 'hang' };

export interface FaultRule {
  /** 1-based request numbers (as in the request log), or a predicate on the request. */
  when: number[] | ((req: StandinRequest) => boolean);
  fault: StandinFault;
}

export interface StandinRequest {
  /** 1-based, in arrival order. */
  seq: number;
  /** Arrival time, epoch milliseconds with sub-millisecond precision. */
  at: number;
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  params: Record<string, string>;
  status?: number;
  /** The injected fault's kind, when one was applied. */
  fault?: StandinFault['kind'];
  /** What answered: a recorded file, the corpus, or an error. */
  servedBy?: string;
}

export interface StandinOptions {
  /** Papers to serve as OAI-PMH and query-API data; 'listings' loads the arXiv listings (default: none). */
  corpus?: readonly StandinPaper[] | 'listings';
  /** Replay recorded responses that match a request (default: true when there is no corpus). */
  replay?: boolean;
  /** Records per ListRecords page (default 1000). */
  pageSize?: number;
  /** Order of a list: by (datestamp, id) like a sorted repository, or by id like arXiv (default 'datestamp'). */
  order?: 'datestamp' | 'id';
  faults?: FaultRule[];
  /** responseDate of generated responses (default: now). */
  responseDate?: string;
}

export interface ArxivStandin {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** OAI-PMH endpoint (`${url}/oai2`). */
  oaiUrl: string;
  /** Query API endpoint (`${url}/api/query`). */
  apiUrl: string;
  readonly requests: StandinRequest[];
  /** Mutable: rules can be added while the server runs. */
  faults: FaultRule[];
  readonly corpus: readonly StandinPaper[];
  /** Makes every resumption token issued so far invalid (as when a repository restarts). */
  invalidateTokens(): void;
  /** The ids a ListRecords with these arguments serves, in order (for assertions). */
  listIds(args: { from?: string; until?: string; set?: string }): string[];
  close(): Promise<void>;
}

// --- recorded responses -------------------------------------------------------------------------------

interface Recorded {
  status: number;
  contentType: string;
  body: Buffer;
  file: string;
}

function oaiKey(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

function apiKey(params: Record<string, string>): string {
  const idList = params.id_list ?? '';
  if (idList !== '' && !params.search_query) return `id_list=${idList}`;
  return `search_query=${params.search_query ?? ''}&start=${params.start ?? '0'}&max_results=${params.max_results ?? '10'}`;
}

let recordedCache: { oai: Map<string, Recorded>; api: Map<string, Recorded> } | undefined;

/** Indexes the recorded files by the request they answer: OAI files by their `<request>` attributes, Atom files by their URL. */
export function loadRecorded(dir: string = ARXIV_API_DATA_DIR): { oai: Map<string, Recorded>; api: Map<string, Recorded> } {
  if (recordedCache && dir === ARXIV_API_DATA_DIR) return recordedCache;
  const oai = new Map<string, Recorded>();
  const api = new Map<string, Recorded>();
  const oaiDir = join(dir, 'oaipmh');
  for (const d of readdirSync(oaiDir)) {
    for (const f of readdirSync(join(oaiDir, d))) {
      if (!f.endsWith('.xml')) continue;
      const body = readFileSync(join(oaiDir, d, f));
      const req = /<request\b([^>]*)>/.exec(body.toString('utf8'))?.[1] ?? '';
      const params: Record<string, string> = {};
      for (const m of req.matchAll(/([\w:]+)="([^"]*)"/g)) if (m[1] && !m[1].includes(':')) params[m[1]] = m[2] ?? '';
      if (!params.verb) continue; // badVerb/badArgument records echo no arguments: the stand-in makes its own.
      oai.set(oaiKey(params), { status: 200, contentType: 'text/xml; charset=utf-8', body, file: `oaipmh/${d}/${f}` });
    }
  }
  const atomDir = join(dir, 'atom');
  for (const d of readdirSync(atomDir)) {
    for (const f of readdirSync(join(atomDir, d))) {
      const path = join(atomDir, d, f);
      let url: string | undefined;
      let rec: Omit<Recorded, 'file'> | undefined;
      if (f.endsWith('.json')) {
        const j = JSON.parse(readFileSync(path, 'utf8')) as { url: string; status_code: number; body: string };
        // The recorder decoded arXiv's UTF-8 bytes as Latin-1; encoding back as Latin-1 gives the bytes arXiv sent.
        rec = { status: j.status_code, contentType: 'application/atom+xml; charset=utf-8', body: Buffer.from(j.body, 'latin1') };
        url = j.url;
      } else if (f.endsWith('.xml') || f.endsWith('.atom')) {
        const body = readFileSync(path);
        const self = /<link href="([^"]+)" rel="self"/.exec(body.toString('utf8'))?.[1];
        if (!self) continue;
        const u = new URL(self);
        url = `${u.origin}${u.pathname}?${decodeURIComponent(u.search.slice(1))}`;
        rec = { status: 200, contentType: 'application/atom+xml; charset=utf-8', body };
      }
      if (!url || !rec) continue;
      const params = Object.fromEntries(new URL(url).searchParams);
      api.set(apiKey(params), { ...rec, file: `atom/${d}/${f}` });
    }
  }
  const out = { oai, api };
  if (dir === ARXIV_API_DATA_DIR) recordedCache = out;
  return out;
}

// --- generated responses ------------------------------------------------------------------------------

const OAI_NS = 'http://www.openarchives.org/OAI/2.0/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function splitName(full: string): { keyname: string; forenames?: string } {
  const parts = full.trim().split(/\s+/);
  const keyname = parts.pop() ?? '';
  return parts.length ? { keyname, forenames: parts.join(' ') } : { keyname };
}

function arxivRecord(p: StandinPaper): Raw {
  return el('record', {}, [
    el('header', {}, [
      el('identifier', {}, `oai:arXiv.org:${p.id}`),
      el('datestamp', {}, p.datestamp),
      ...setSpecsOf(p.categories).map((s) => el('setSpec', {}, s)),
    ]),
    el('metadata', {}, [
      el(
        'arXiv',
        {
          xmlns: 'http://arxiv.org/OAI/arXiv/',
          'xmlns:xsi': XSI,
          'xsi:schemaLocation': 'http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd',
        },
        [
          el('id', {}, p.id),
          optEl('created', p.created),
          optEl('updated', p.updated),
          p.authors.length > 0 &&
            el(
              'authors',
              {},
              p.authors.map((a) => {
                const n = splitName(a);
                return el('author', {}, [el('keyname', {}, n.keyname), optEl('forenames', n.forenames)]);
              }),
            ),
          el('title', {}, p.title),
          optEl('categories', p.categories.join(' ')),
          optEl('comments', p.comment),
          optEl('abstract', p.abstract),
        ],
      ),
    ]),
  ]);
}

function atomEntry(p: StandinPaper, base: string): Raw {
  const vid = `${p.id}v${p.version ?? 1}`;
  const published = `${p.created ?? p.datestamp}T00:00:00Z`;
  const updated = `${p.updated ?? p.created ?? p.datestamp}T00:00:00Z`;
  return el('entry', {}, [
    el('id', {}, `http://arxiv.org/abs/${vid}`),
    el('title', {}, p.title),
    el('updated', {}, updated),
    el('link', { href: `${base}/abs/${vid}`, rel: 'alternate', type: 'text/html' }),
    el('link', { href: `${base}/pdf/${vid}`, rel: 'related', type: 'application/pdf', title: 'pdf' }),
    el('summary', {}, p.abstract),
    ...p.categories.map((c) => el('category', { term: c, scheme: 'http://arxiv.org/schemas/atom' })),
    el('published', {}, published),
    optEl('arxiv:comment', p.comment),
    p.primaryCategory !== undefined && el('arxiv:primary_category', { term: p.primaryCategory }),
    ...p.authors.map((a) => el('author', {}, [el('name', {}, a)])),
  ]);
}

interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
  servedBy: string;
}

const xmlReply = (xml: string, servedBy: string, status = 200): Reply => ({
  status,
  contentType: 'text/xml; charset=utf-8',
  body: Buffer.from(xml, 'utf8'),
  servedBy,
});

interface TokenArgs {
  g: number;
  o: number;
  f?: string;
  u?: string;
  s?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function startArxivStandin(opts: StandinOptions = {}): Promise<ArxivStandin> {
  const corpus: readonly StandinPaper[] = opts.corpus === 'listings' ? loadListingsCorpus().papers : (opts.corpus ?? []);
  const replay = opts.replay ?? opts.corpus === undefined;
  const recorded = replay ? loadRecorded() : { oai: new Map<string, Recorded>(), api: new Map<string, Recorded>() };
  const pageSize = opts.pageSize ?? 1000;
  const order = opts.order ?? 'datestamp';
  const requests: StandinRequest[] = [];
  const byId = new Map(corpus.map((p) => [p.id, p]));
  const specs = new Map(corpus.map((p) => [p.id, setSpecsOf(p.categories)]));
  const knownSets = new Set<string>();
  for (const list of specs.values()) {
    for (const s of list) {
      knownSets.add(s);
      const i = s.indexOf(':');
      if (i > 0) knownSets.add(s.slice(0, i));
    }
  }
  const lists = new Map<string, StandinPaper[]>();
  let generation = 1;
  let base = '';

  function listFor(a: { f?: string; u?: string; s?: string }): StandinPaper[] {
    const key = `${a.f ?? ''}|${a.u ?? ''}|${a.s ?? ''}`;
    let l = lists.get(key);
    if (!l) {
      l = corpus.filter(
        (p) =>
          (a.f === undefined || p.datestamp >= a.f) &&
          (a.u === undefined || p.datestamp <= a.u) &&
          (a.s === undefined || inSet(specs.get(p.id) ?? [], a.s)),
      );
      if (order === 'id') l = [...l].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      lists.set(key, l);
    }
    return l;
  }

  const responseDate = (): string => opts.responseDate ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  function oaiEnvelope(requestAttrs: Record<string, string>, inner: Raw[]): string {
    return document(
      el(
        'OAI-PMH',
        { xmlns: OAI_NS, 'xmlns:xsi': XSI, 'xsi:schemaLocation': `${OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd` },
        [el('responseDate', {}, responseDate()), el('request', requestAttrs, `${base}/oai2`), ...inner],
      ),
    );
  }

  function oaiError(params: Record<string, string>, code: string, message: string): Reply {
    // As arXiv does, arguments are echoed only when the request was valid enough.
    const echo = code === 'badVerb' || code === 'badArgument' ? {} : params;
    return xmlReply(oaiEnvelope(echo, [el('error', { code }, message)]), `error:${code}`);
  }

  function handleOai(params: Record<string, string>): Reply {
    const verb = params.verb;
    const recordedReply = recorded.oai.get(oaiKey(params));
    if (recordedReply) return { ...recordedReply, servedBy: recordedReply.file };
    const allowed: Record<string, string[]> = {
      Identify: ['verb'],
      ListRecords: ['verb', 'metadataPrefix', 'from', 'until', 'set', 'resumptionToken'],
      GetRecord: ['verb', 'identifier', 'metadataPrefix'],
    };
    if (!verb || !allowed[verb]) return oaiError(params, 'badVerb', `Bad verb. Verb '${verb ?? ''}' not implemented.`);
    const illegal = Object.keys(params).find((k) => !allowed[verb]?.includes(k));
    if (illegal) return oaiError(params, 'badArgument', `Verb '${verb}', illegal argument '${illegal}'.`);

    if (verb === 'Identify') {
      return xmlReply(
        oaiEnvelope(params, [
          el('Identify', {}, [
            el('repositoryName', {}, 'arXiv stand-in'),
            el('baseURL', {}, `${base}/oai2`),
            el('protocolVersion', {}, '2.0'),
            el('adminEmail', {}, 'nobody@example.org'),
            el('earliestDatestamp', {}, corpus[0]?.datestamp ?? '2007-05-23'),
            el('deletedRecord', {}, 'persistent'),
            el('granularity', {}, 'YYYY-MM-DD'),
          ]),
        ]),
        'identify',
      );
    }

    if (verb === 'GetRecord') {
      if (!params.identifier || !params.metadataPrefix)
        return oaiError(params, 'badArgument', 'GetRecord needs identifier and metadataPrefix.');
      if (params.metadataPrefix !== 'arXiv')
        return oaiError(params, 'cannotDisseminateFormat', `Format '${params.metadataPrefix}' is not served by the stand-in.`);
      const id = /^oai:arXiv\.org:(.+)$/.exec(params.identifier)?.[1];
      const paper = id ? byId.get(parseArxivId(id)?.id ?? '') : undefined;
      if (!paper)
        return oaiError(params, 'idDoesNotExist', `Identifier '${params.identifier}' does not correspond to an item in this repository`);
      return xmlReply(oaiEnvelope(params, [el('GetRecord', {}, [arxivRecord(paper)])]), 'corpus');
    }

    // ListRecords
    let args: TokenArgs;
    if (params.resumptionToken !== undefined) {
      if (Object.keys(params).length > 2) return oaiError(params, 'badArgument', 'resumptionToken is an exclusive argument.');
      const t = decodeToken(params.resumptionToken);
      if (!t || t.g !== generation)
        return oaiError(params, 'badResumptionToken', 'The resumptionToken supplied is illegal for this repository');
      args = t;
    } else {
      if (!params.metadataPrefix) return oaiError(params, 'badArgument', "Verb 'ListRecords', argument 'metadataPrefix' is required.");
      if (params.metadataPrefix !== 'arXiv')
        return oaiError(params, 'cannotDisseminateFormat', `Format '${params.metadataPrefix}' is not served by the stand-in.`);
      for (const k of ['from', 'until'] as const) {
        if (params[k] !== undefined && !DAY.test(params[k] ?? ''))
          return oaiError(params, 'badArgument', `Illegal ${k} '${params[k]}': use YYYY-MM-DD.`);
      }
      if (params.from && params.until && params.from > params.until) return oaiError(params, 'badArgument', 'from is after until.');
      if (params.set !== undefined && !knownSets.has(params.set)) {
        return oaiError(params, 'noRecordsMatch', `Set argument doesn't match any sets. The setSpec was '${params.set}'`);
      }
      args = { g: generation, o: 0 };
      if (params.from) args.f = params.from;
      if (params.until) args.u = params.until;
      if (params.set) args.s = params.set;
    }
    const list = listFor(args);
    if (list.length === 0) return oaiError(params, 'noRecordsMatch', 'No records match the request.');
    const page = list.slice(args.o, args.o + pageSize);
    const next = args.o + page.length;
    const inner: Raw[] = page.map(arxivRecord);
    if (next < list.length) {
      inner.push(el('resumptionToken', { cursor: args.o, completeListSize: list.length }, encodeToken({ ...args, o: next })));
    } else if (args.o > 0) {
      inner.push(el('resumptionToken', { cursor: args.o, completeListSize: list.length }));
    }
    return xmlReply(oaiEnvelope(params, [el('ListRecords', {}, inner)]), 'corpus');
  }

  function handleApi(params: Record<string, string>): Reply {
    const rec = recorded.api.get(apiKey(params));
    if (rec) return { ...rec, servedBy: rec.file };
    const ids = (params.id_list ?? '').split(',').filter((s) => s !== '');
    const atom = (entries: Raw[], total: number, status = 200, servedBy = 'corpus'): Reply => ({
      status,
      contentType: 'application/atom+xml; charset=utf-8',
      servedBy,
      body: Buffer.from(
        document(
          el(
            'feed',
            {
              'xmlns:opensearch': 'http://a9.com/-/spec/opensearch/1.1/',
              'xmlns:arxiv': 'http://arxiv.org/schemas/atom',
              xmlns: 'http://www.w3.org/2005/Atom',
            },
            [
              el('id', {}, `${base}/api/standin`),
              el('title', {}, `arXiv Query: id_list=${params.id_list ?? ''}`),
              el('updated', {}, responseDate()),
              el('opensearch:itemsPerPage', {}, params.max_results ?? '10'),
              el('opensearch:totalResults', {}, total),
              el('opensearch:startIndex', {}, params.start ?? '0'),
              ...entries,
            ],
          ),
        ),
        'utf8',
      ),
    });
    const bad = ids.find((s) => !parseArxivId(s));
    if (bad !== undefined) {
      const errId = `https://arxiv.org/api/errors#incorrect_id_format_for_${bad}`;
      return atom(
        [
          el('entry', {}, [
            el('id', {}, errId),
            el('title', {}, 'Error'),
            el('updated', {}, responseDate()),
            el('summary', {}, `incorrect id format for ${bad}`),
            el('author', {}, [el('name', {}, 'arXiv api core')]),
          ]),
        ],
        1,
        400,
        'error:id',
      );
    }
    const found = ids.map((s) => byId.get(parseArxivId(s)?.id ?? '')).filter((p): p is StandinPaper => p !== undefined);
    return atom(
      found.map((p) => atomEntry(p, 'https://arxiv.org')),
      found.length,
    );
  }

  function send(res: ServerResponse, r: Reply): void {
    res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': r.body.length, ...r.headers });
    res.end(r.body);
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const at = performance.timeOrigin + performance.now();
    const u = new URL(req.url ?? '/', 'http://standin');
    const params: Record<string, string> = {};
    for (const [k, v] of u.searchParams) params[k] = v;
    const entry: StandinRequest = {
      seq: requests.length + 1,
      at,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: u.pathname,
      params,
    };
    requests.push(entry);

    let reply: Reply;
    if (u.pathname === '/oai2') reply = handleOai(params);
    else if (u.pathname === '/api/query') reply = handleApi(params);
    else reply = { status: 404, contentType: 'text/plain', body: Buffer.from('not found'), servedBy: 'none' };

    const rule = standin.faults.find((f) => (Array.isArray(f.when) ? f.when.includes(entry.seq) : f.when(entry)));
    if (rule) entry.fault = rule.fault.kind;
    const fault = rule?.fault;
    if (!fault) {
      entry.status = reply.status;
      entry.servedBy = reply.servedBy;
      return send(res, reply);
    }
    switch (fault.kind) {
      case 'unavailable': {
        entry.status = fault.status ?? 503;
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        return send(res, {
          status: entry.status,
          contentType: 'text/html',
          body: Buffer.from('<html><body><h1>503 Service Unavailable</h1></body></html>'),
          headers,
          servedBy: 'fault',
        });
      }
      case 'status':
        entry.status = fault.status;
        return send(res, {
          status: fault.status,
          contentType: fault.contentType ?? 'text/plain',
          body: Buffer.from(fault.body ?? ''),
          servedBy: 'fault',
        });
      case 'badResumptionToken':
        entry.status = 200;
        return send(res, oaiError(params, 'badResumptionToken', 'The resumptionToken supplied is illegal for this repository'));
      case 'malformed': {
        entry.status = 200;
        const cut = reply.body.subarray(0, Math.max(1, Math.floor(reply.body.length * 0.6)));
        return send(res, { ...reply, status: 200, body: cut, servedBy: 'fault' });
      }
      case 'hang':
        return;
      case 'drop': {
        entry.status = 200;
        // Chunked, so the client cannot tell from the length; part of the body, then the connection dies.
        res.writeHead(200, { 'content-type': reply.contentType });
        res.write(reply.body.subarray(0, Math.floor(reply.body.length / 2)));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
    }
  });

  function encodeToken(t: TokenArgs): string {
    return `${t.g}.${t.o}.${Buffer.from(JSON.stringify({ f: t.f, u: t.u, s: t.s })).toString('base64url')}`;
  }
  function decodeToken(s: string): TokenArgs | undefined {
    const m = /^(\d+)\.(\d+)\.([A-Za-z0-9_-]*)$/.exec(s);
    if (!m) return undefined;
    try {
      const a = JSON.parse(Buffer.from(m[3] ?? '', 'base64url').toString('utf8')) as { f?: string; u?: string; s?: string };
      const t: TokenArgs = { g: Number(m[1]), o: Number(m[2]) };
      if (a.f) t.f = a.f;
      if (a.u) t.u = a.u;
      if (a.s) t.s = a.s;
      return t;
    } catch {
      return undefined;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  const standin: ArxivStandin = {
    url: base,
    oaiUrl: `${base}/oai2`,
    apiUrl: `${base}/api/query`,
    requests,
    faults: opts.faults ?? [],
    corpus,
    invalidateTokens() {
      generation++;
    },
    listIds(a) {
      const t: { f?: string; u?: string; s?: string } = {};
      if (a.from) t.f = a.from;
      if (a.until) t.u = a.until;
      if (a.set) t.s = a.set;
      return listFor(t).map((p) => p.id);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return standin;
}
