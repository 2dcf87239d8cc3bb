import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OaiParseError } from '../../../src/ingest/arxiv/errors.ts';
import { type OaiPage, parseOaiPmh, parseOaiPmhStream } from '../../../src/ingest/arxiv/oai-pmh.ts';
import { ARXIV_API_DATA_DIR } from '../../support/arxiv-standin/server.ts';
import { describeShared, SHARED_DATA } from '../../support/shared-data.ts';

const OAI_DIR = join(ARXIV_API_DATA_DIR, 'oaipmh');
const read = (rel: string): Buffer => readFileSync(join(OAI_DIR, rel));

/** Every recorded OAI-PMH response, with what it must give. A new file without an entry here fails the test. */
const EXPECTED: Record<string, (p: OaiPage) => void> = {
  'mikesaelim_arXivOAIHarvester_2015/ListRecordsResponse.xml': (p) => {
    expect(p.verb).toBe('ListRecords');
    expect(p.request?.args).toEqual({ verb: 'ListRecords', from: '2014-10-01', metadataPrefix: 'arXivRaw' });
    expect(p.records.map((r) => r.id)).toEqual(['0704.0471', '0704.0716', '0704.0874', '0704.1109', '0704.1114', '0704.1586']);
    expect(p.skipped).toEqual([]);
    expect(p.resumptionToken).toEqual({ token: '726959|1001', completeListSize: 58011, cursor: 0 });
    expect(p.responseDate).toBe('2015-01-06T20:49:59.000Z');
    const [first, second] = p.records;
    expect(first).toMatchObject({
      id: '0704.0471',
      version: 1,
      title: 'Density dependence of the symmetry energy and the nuclear equation of state: A Dynamical and Statistical model perspective',
      authors: [{ name: 'D.V. Shetty' }, { name: 'S.J. Yennello' }, { name: 'G.A. Souliotis' }],
      publishedAt: '2007-04-03T22:04:11.000Z',
      updatedAt: '2007-04-03T22:04:11.000Z',
      categories: ['nucl-ex', 'nucl-th'],
      primaryCategory: 'nucl-ex',
      comment: '16 pages, 14 figures',
      journalRef: 'Phys.Rev.C76:024606,2007; Erratum-ibid.C76:039902,2007',
      // Two DOIs in the field (paper and erratum): the first is the paper's.
      doi: '10.1103/PhysRevC.76.024606',
      stamp: '2014-11-18T00:00:00.000Z',
    });
    expect(first?.abstract).toMatch(
      /^The density dependence of the symmetry energy .* extremely " stiff " and " soft " form .* nuclear physics studies\.$/,
    );
    expect(first?.abstract).not.toMatch(/\n|\s{2}/);
    // Four versions: v1 date is the publication, v4 date the update, the datestamp the stamp.
    expect(second).toMatchObject({
      id: '0704.0716',
      version: 4,
      publishedAt: '2007-04-05T12:45:03.000Z',
      updatedAt: '2008-11-14T09:07:25.000Z',
      stamp: '2014-12-22T00:00:00.000Z',
      categories: ['math-ph', 'math.MP'],
      primaryCategory: 'math-ph',
      comment: '54 pages, 2 figures; v2 updated and slightly expanded; v3 changes in some proofs; v4 slightly expanded',
    });
    // arXiv lists in identifier order: datestamps are not sorted.
    expect(p.datestamps).toEqual({ min: '2014-11-18', max: '2014-12-22', ordered: false });
    // The page was cut to 6 records for the recording; the token says 1000 were sent.
    expect(p.warnings.join()).toMatch(/holds 6 records .* implies 1000/);
  },
  'mikesaelim_arXivOAIHarvester_2015/GetRecordResponse.xml': (p) => {
    expect(p.verb).toBe('GetRecord');
    expect(p.records).toHaveLength(1);
    expect(p.resumptionToken).toBeUndefined();
    expect(p.records[0]).toMatchObject({
      id: '1302.2146',
      version: 2,
      title: 'The Same-Sign Dilepton Signature of RPV/MFV SUSY',
      authors: [{ name: 'Joshua Berger' }, { name: 'Maxim Perelstein' }, { name: 'Michael Saelim' }, { name: 'Philip Tanedo' }],
      publishedAt: '2013-02-08T21:00:01.000Z',
      updatedAt: '2013-04-02T01:50:08.000Z',
      categories: ['hep-ph', 'hep-ex'],
      primaryCategory: 'hep-ph',
      comment: '18 pages, 6 figures; v2: References added',
      stamp: '2013-04-03T00:00:00.000Z',
    });
    expect(p.records[0]?.abstract.endsWith('TeV LHC with a 100 fb^-1 data set.')).toBe(true);
  },
  'mikesaelim_arXivOAIHarvester_2015/ErrorResponseBadArgument.xml': (p) => {
    expect(p.error).toEqual({ code: 'badArgument', message: "Verb 'ListRecords', illegal argument 'identifier'." });
    expect(p.records).toEqual([]);
    expect(p.verb).toBeUndefined();
  },
  'mikesaelim_arXivOAIHarvester_2015/ErrorResponseBadResumptionToken.xml': (p) => {
    expect(p.error).toEqual({ code: 'badResumptionToken', message: 'The resumptionToken supplied is illegal for this repository' });
    expect(p.request?.args).toEqual({ verb: 'ListRecords', resumptionToken: '3' });
  },
  'mikesaelim_arXivOAIHarvester_2015/ErrorResponseBadVerb.xml': (p) => {
    // This one has no XML declaration at all.
    expect(p.error).toEqual({ code: 'badVerb', message: "Bad verb. Verb 'wah' not implemented." });
  },
  'mikesaelim_arXivOAIHarvester_2015/ErrorResponseIdDoesNotExist.xml': (p) => {
    expect(p.error?.code).toBe('idDoesNotExist');
    expect(p.error?.message).toContain("'oai:arXiv.org:0813.2274'");
  },
  'mikesaelim_arXivOAIHarvester_2015/ErrorResponseNoRecordsMatch.xml': (p) => {
    expect(p.error).toEqual({ code: 'noRecordsMatch', message: "Set argument doesn't match any sets. The setSpec was 'moo'" });
    expect(p.errors).toHaveLength(1);
  },
  'nesta_semisynthetic_2018/mocked_arxiv_response.xml': (p) => {
    expect(p.request?.args).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXiv' });
    expect(p.records).toEqual([
      {
        id: '0704.0999',
        title: 'Generic character sheaves on disconnected groups and character values',
        abstract: 'This is the summary of the article.',
        authors: [{ name: 'G. Author' }],
        publishedAt: '2007-04-07T00:00:00.000Z',
        updatedAt: '2007-06-21T00:00:00.000Z',
        categories: ['math.PR', 'math.RT'],
        primaryCategory: 'math.PR',
        comment: '12 pages',
        journalRef: 'Phys.Rev.Lett.99:131803,2007',
        doi: '10.1103/PhysRevLett.99.131803',
        stamp: '2007-05-23T00:00:00.000Z',
      },
    ]);
    expect(p.skipped).toEqual([
      { identifier: 'oai:arXiv.org:0704.1000', datestamp: '2008-11-26', reason: 'invalid created date "2007-04-999"' },
      { identifier: 'missing_meta', datestamp: '2088-01-01', reason: 'record without metadata' },
    ]);
    expect(p.recordCount).toBe(3);
    expect(p.resumptionToken).toEqual({ token: '3132962|1001', completeListSize: 1463679, cursor: 0 });
    // The 2088 datestamp belongs to a record that is not an arXiv item; it does not move the harvest's range.
    expect(p.datestamps).toEqual({ min: '2007-05-23', max: '2008-11-26', ordered: true });
  },
};

/**
 * The litpuvn recording states no licence, so it is not among the fixtures: these run where the shared
 * data is (FOLIO_SHARED_DATA).
 */
const EXPECTED_SHARED: Record<string, (p: OaiPage) => void> = {
  'litpuvn_arxiv-oai-harvester_2016/ListRecords.xml': (p) => {
    expect(p.records).toHaveLength(387);
    expect(p.skipped).toEqual([]);
    expect(p.recordCount).toBe(387);
    expect(p.resumptionToken).toEqual({ token: '1403493|1001', completeListSize: 1440, cursor: 0 });
    // Cut short: 387 of the 1000 records the token implies. Reported, not hidden.
    expect(p.warnings).toEqual(['page holds 387 records but its resumptionToken (cursor 0, next 1001) implies 1000: cut short?']);
    const first = p.records[0];
    // Re-indented by an editor: the whitespace inside text nodes is collapsed.
    expect(first).toMatchObject({
      id: '0803.4354',
      version: 6,
      title: 'A O(n^8) X O(n^7) Linear Programming Model of the Traveling Salesman Problem',
      authors: [{ name: 'Moustapha Diaby' }],
      publishedAt: '2008-03-30T23:26:50.000Z',
      updatedAt: '2016-10-20T16:58:38.000Z',
      categories: ['cs.DM'],
      primaryCategory: 'cs.DM',
      stamp: '2016-10-21T00:00:00.000Z',
    });
    expect(
      first?.abstract.startsWith(
        'In this paper, we present a new linear programming (LP) formulation of the Traveling Salesman Problem (TSP).',
      ),
    ).toBe(true);
    expect(first?.comment).toMatch(/^Theorem 25 and Corollary 26 are incorrect\. The modeling needs 9-dimensional/);
    expect(p.records.at(-1)).toMatchObject({
      id: '1606.07946',
      title: 'On the theorem of Davenport and generalized Dedekind sums',
      journalRef: 'J. Number Theory 172 (2017) 1-20',
    });
    for (const r of p.records) {
      expect(r.title).not.toMatch(/\s{2}|\n|^\s|\s$/);
      expect(r.abstract).not.toMatch(/\s{2}|\n/);
      for (const a of r.authors) expect(a.name).not.toMatch(/\s{2}|\n|^\s|\s$|^and /);
    }
    expect(new Set(p.records.map((r) => r.id)).size).toBe(387);
    expect(p.datestamps).toEqual({ min: '2016-10-20', max: '2016-10-21', ordered: false });
  },
  'litpuvn_arxiv-oai-harvester_2016/GetRecord.xml': (p) => {
    expect(p.records).toHaveLength(1);
    expect(p.records[0]).toMatchObject({
      id: '0804.2273',
      version: 1,
      title: 'Object Re-Use & Exchange: A Resource-Centric Approach',
      // The author list breaks across an indented line.
      authors: ['Carl Lagoze', 'Herbert Van de Sompel', 'Michael L. Nelson', 'Simeon Warner', 'Robert Sanderson', 'Pete Johnston'].map(
        (name) => ({ name }),
      ),
      categories: ['cs.DL', 'cs.NI'],
      publishedAt: '2008-04-14T21:02:00.000Z',
      stamp: '2008-04-16T00:00:00.000Z',
    });
  },
};

/** The page parsed at once passes `check`, and the streaming form, fed in small uneven chunks (split UTF-8 sequences, split tags), gives the same page. */
async function checkBothWays(bytes: Buffer, check: (p: OaiPage) => void): Promise<void> {
  const page = parseOaiPmh(bytes);
  check(page);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0, n = 1; i < bytes.length; i += n, n = (n * 7 + 3) % 4093 || 1) yield bytes.subarray(i, i + n);
  }
  expect(await parseOaiPmhStream(chunks())).toEqual(page);
}

describeShared('OAI-PMH parser on the recorded responses of the shared data', () => {
  const dir = join(SHARED_DATA ?? '', 'arxiv-api', 'oaipmh');
  for (const [file, check] of Object.entries(EXPECTED_SHARED)) it(file, () => checkBothWays(readFileSync(join(dir, file)), check));
});

describe('OAI-PMH parser on the recorded responses', () => {
  it('has an expectation for every recorded response file', () => {
    const files = readdirSync(OAI_DIR).flatMap((d) =>
      readdirSync(join(OAI_DIR, d))
        .filter((f) => f.endsWith('.xml'))
        .map((f) => `${d}/${f}`),
    );
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, check] of Object.entries(EXPECTED)) it(file, () => checkBothWays(read(file), check));

  it('reads the semi-synthetic record with suffix and affiliation once its date is valid', () => {
    const xml = read('nesta_semisynthetic_2018/mocked_arxiv_response.xml').toString('utf8').replace('2007-04-999', '2007-04-09');
    const p = parseOaiPmh(xml);
    expect(p.records.map((r) => r.id)).toEqual(['0704.0999', '0704.1000']);
    expect(p.records[1]).toMatchObject({
      title: 'Measurement of something interesting',
      authors: [
        { name: 'L. M. AnotherAuthor II', affiliation: 'CREST, Japan Science and Technology Agency' },
        { name: 'Some other Surname' },
        { name: 'An important Collaboration' },
      ],
      publishedAt: '2007-04-09T00:00:00.000Z',
      updatedAt: '2007-04-09T00:00:00.000Z',
      categories: ['hep-ex'],
    });
    expect(p.records[1]?.journalRef).toBeUndefined();
  });
});

describe('OAI-PMH parser: truncated and malformed pages', () => {
  const full = read('mikesaelim_arXivOAIHarvester_2015/ListRecordsResponse.xml');

  it.each([0.999, 0.75, 0.5, 0.1, 0.001])('a page cut at %s of its length throws OaiParseError', (frac) => {
    const cut = full.subarray(0, Math.floor(full.length * frac));
    expect(() => parseOaiPmh(cut)).toThrow(OaiParseError);
  });

  it('says where and why', () => {
    const cut = full.subarray(0, Math.floor(full.length * 0.6));
    try {
      parseOaiPmh(cut);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OaiParseError);
      const err = e as OaiParseError;
      expect(err.message).toMatch(/document ends early \(truncated\?\)/);
      expect(err.line).toBeGreaterThan(60);
    }
  });

  it('a page cut exactly after a record still fails (no silent partial page)', () => {
    const s = full.toString('utf8');
    const at = s.indexOf('</record>', s.length / 2) + '</record>'.length;
    expect(() => parseOaiPmh(s.slice(0, at))).toThrow(/ends early/);
  });

  it('a streamed page that breaks off throws too', async () => {
    async function* half(): AsyncGenerator<Uint8Array> {
      yield full.subarray(0, 4_000);
      yield full.subarray(4_000, 8_000);
    }
    await expect(parseOaiPmhStream(half())).rejects.toBeInstanceOf(OaiParseError);
  });

  it('mismatched tags throw', () => {
    const bad = full.toString('utf8').replace('</title>', '</titel>');
    expect(() => parseOaiPmh(bad)).toThrow(OaiParseError);
  });

  it('a well-formed OAI-PMH document with neither verb nor error throws', () => {
    expect(() =>
      parseOaiPmh('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2020-01-01T00:00:00Z</responseDate></OAI-PMH>'),
    ).toThrow(/neither a verb element nor an error/);
  });
});

describe('OAI-PMH parser: records that must be skipped, not crash', () => {
  const wrap = (records: string, token = '') =>
    `<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-05T10:00:00Z</responseDate><request verb="ListRecords">x</request><ListRecords>${records}${token}</ListRecords></OAI-PMH>`;
  const raw = (id: string, inner: string, datestamp = '2024-01-02', status = '') =>
    `<record><header${status}><identifier>oai:arXiv.org:${id}</identifier><datestamp>${datestamp}</datestamp></header><metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>${id}</id>${inner}</arXivRaw></metadata></record>`;
  const v1 = '<version version="v1"><date>Mon, 1 Jan 2024 10:00:00 GMT</date></version>';

  it('skips each bad record with its reason and keeps the good ones', () => {
    const p = parseOaiPmh(
      wrap(
        [
          raw('2401.00001', `${v1}<title>Good</title><authors>A. B</authors><abstract>x</abstract>`),
          '<record><header status="deleted"><identifier>oai:arXiv.org:2401.00002</identifier><datestamp>2024-01-03</datestamp></header></record>',
          raw('2401.00003', `${v1}<title>  </title>`),
          raw('2401.00004', '<version version="v1"><date>Someday</date></version><title>T</title>'),
          raw('2401.00005', `${v1}<title>T</title>`, '2024-13-01'),
          '<record><header><identifier>oai:arXiv.org:9999.99999</identifier><datestamp>2024-01-02</datestamp></header><metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>9999.99999</id><title>T</title></arXivRaw></metadata></record>',
          '<record><header><identifier>oai:arXiv.org:2401.00007</identifier><datestamp>2024-01-02</datestamp></header><metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>2401.00008</id><title>T</title></arXivRaw></metadata></record>',
          '<record><header><identifier>oai:arXiv.org:2401.00009</identifier><datestamp>2024-01-02</datestamp></header><metadata><oai_dc xmlns="http://www.openarchives.org/OAI/2.0/oai_dc/"/></metadata></record>',
          raw(
            '2401.00010',
            `<version version="v1"><date>Mon, 1 Jan 2024 10:00:00 GMT</date></version><version version="v2"><date>Tue, 31 Feb 2024 10:00:00 GMT</date></version><title>T</title>`,
          ),
          '<record><metadata/></record>',
        ].join(''),
      ),
    );
    expect(p.records.map((r) => r.id)).toEqual(['2401.00001']);
    expect(p.records[0]).toMatchObject({ title: 'Good', authors: [{ name: 'A. B' }], version: 1, stamp: '2024-01-02T00:00:00.000Z' });
    expect(p.skipped.map((s) => [s.identifier, s.reason])).toEqual([
      ['oai:arXiv.org:2401.00002', 'deleted'],
      ['oai:arXiv.org:2401.00003', 'no title'],
      ['oai:arXiv.org:2401.00004', 'invalid date "Someday" of version v1'],
      ['oai:arXiv.org:2401.00005', 'invalid datestamp "2024-13-01"'],
      ['oai:arXiv.org:9999.99999', 'invalid identifier "oai:arXiv.org:9999.99999"'],
      ['oai:arXiv.org:2401.00007', 'header identifier 2401.00007 does not match metadata id 2401.00008'],
      ['oai:arXiv.org:2401.00009', 'unsupported metadata format <oai_dc>'],
      ['oai:arXiv.org:2401.00010', 'invalid date "Tue, 31 Feb 2024 10:00:00 GMT" of version v2'],
      [undefined, 'record without <header>'],
    ]);
    expect(p.skipped[0]?.deleted).toBe(true);
    expect(p.recordCount).toBe(10);
  });

  it('an empty resumptionToken ends the list, keeping cursor and size', () => {
    const p = parseOaiPmh(wrap(raw('2401.00001', `${v1}<title>T</title>`), '<resumptionToken cursor="2000" completeListSize="2001"/>'));
    expect(p.resumptionToken).toBeUndefined();
    expect(p.list).toEqual({ cursor: 2000, completeListSize: 2001 });
  });

  it('reads arXivOld records too', () => {
    const p = parseOaiPmh(
      wrap(
        '<record><header><identifier>oai:arXiv.org:hep-th/9901001</identifier><datestamp>2008-02-03</datestamp></header><metadata><arXivOld xmlns="http://arxiv.org/OAI/arXivOld/"><id>hep-th/9901001</id><title>Old</title><authors>A. One (MIT), B. Two (1, 2) and C. Three (2) ((1) CERN, (2) DESY)</authors><categories>hep-th</categories></arXivOld></metadata></record>',
      ),
    );
    expect(p.records[0]).toMatchObject({
      id: 'hep-th/9901001',
      title: 'Old',
      authors: [
        { name: 'A. One', affiliation: 'MIT' },
        { name: 'B. Two', affiliation: 'CERN; DESY' },
        { name: 'C. Three', affiliation: 'DESY' },
      ],
      stamp: '2008-02-03T00:00:00.000Z',
    });
  });
});

describe('OAI-PMH parser: hostile input', () => {
  it('not XML', () => {
    expect(() => parseOaiPmh('{"error": "rate limited"}')).toThrow(OaiParseError);
    expect(() => parseOaiPmh('Service Unavailable')).toThrow(OaiParseError);
    expect(() => parseOaiPmh('')).toThrow(/empty document/);
    expect(() => parseOaiPmh(new Uint8Array([0, 1, 2, 255, 254]))).toThrow(OaiParseError);
  });

  it('an HTML error page, with or without DOCTYPE', () => {
    expect(() => parseOaiPmh('<!DOCTYPE html><html><body><h1>503</h1></body></html>')).toThrow(/DOCTYPE/);
    expect(() => parseOaiPmh('<html><head><title>Error</title></head><body><p>Retry later</p></body></html>')).toThrow(
      /not an OAI-PMH response: the root element is <html> \(an HTML page/,
    );
    expect(() => parseOaiPmh('<html><body><br></body></html>')).toThrow(OaiParseError);
  });

  it('XML of another kind', () => {
    expect(() => parseOaiPmh('<feed xmlns="http://www.w3.org/2005/Atom"/>')).toThrow(/root element is <feed>/);
    expect(() => parseOaiPmh('<OAI-PMH xmlns="urn:other"><error code="x">y</error></OAI-PMH>')).toThrow(/namespace/);
  });

  it('refuses entity-expansion attacks ("billion laughs") without expanding anything', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE OAI-PMH [',
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i ? i : ''};`.repeat(10)}">`),
      ']>',
      '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badVerb">&lol9;</error></OAI-PMH>',
    ].join('\n');
    const before = process.memoryUsage().heapUsed;
    expect(() => parseOaiPmh(lol)).toThrow(/DOCTYPE/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses external entities (XXE): nothing is read from disk or network', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badVerb">&xxe;</error></OAI-PMH>';
    expect(() => parseOaiPmh(xxe)).toThrow(OaiParseError);
    // And an undeclared entity without any DOCTYPE is an error, not an expansion.
    expect(() =>
      parseOaiPmh('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badVerb">&xxe;</error></OAI-PMH>'),
    ).toThrow(/undefined entity|xxe/i);
  });

  it('stops on a huge text node instead of buffering it', async () => {
    const head =
      '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record><header><identifier>oai:arXiv.org:2401.00001</identifier></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><abstract>';
    let sent = 0;
    async function* endless(): AsyncGenerator<string> {
      yield head;
      const block = 'a'.repeat(64 * 1024);
      for (;;) {
        sent += block.length;
        if (sent > 500 * 1024 * 1024) throw new Error('the parser kept reading');
        yield block;
      }
    }
    await expect(parseOaiPmhStream(endless(), { maxTokenChars: 1_000_000 })).rejects.toThrow(/longer than 1000000 characters/);
    expect(sent).toBeLessThan(2_000_000);
  });

  it('stops on a huge attribute value too', () => {
    const big = `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" a="${'x'.repeat(3_000_000)}"/>`;
    expect(() => parseOaiPmh(big)).toThrow(/longer than/);
  });

  it('refuses a declared non-UTF-8 encoding', () => {
    expect(() => parseOaiPmh('<?xml version="1.0" encoding="ISO-8859-1"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"/>')).toThrow(
      /encoding/,
    );
  });
});
