import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AtomFeed, parseArxivAtom } from '../../../src/ingest/arxiv/atom.ts';
import { ArxivApiError, AtomParseError } from '../../../src/ingest/arxiv/errors.ts';
import { ARXIV_API_DATA_DIR } from '../../support/arxiv-standin/server.ts';

const ATOM_DIR = join(ARXIV_API_DATA_DIR, 'atom');
const R2016 = 'lukasschwab_arxiv.py_2016';
const R2017 = 'orijtech_arxiv_2017';
const R2026 = 'lukasschwab_arxiv.py_2026_recorded';

/** A recorded file's body as arXiv sent it, and its HTTP status. */
function recorded(rel: string): { body: Buffer; status: number } {
  const raw = readFileSync(join(ATOM_DIR, rel));
  if (!rel.endsWith('.json')) return { body: raw, status: 200 };
  const j = JSON.parse(raw.toString('utf8')) as { body: string; status_code: number };
  // The 2026 recorder decoded arXiv's UTF-8 as Latin-1 ("WÃ¼bben"): encoding back as Latin-1 restores the bytes.
  return { body: Buffer.from(j.body, 'latin1'), status: j.status_code };
}
const parse = (rel: string): AtomFeed => {
  const r = recorded(rel);
  return parseArxivAtom(r.body, { status: r.status });
};
const ids = (f: AtomFeed) => f.entries.map((e) => e.record.id);

/** [entries, totalResults, startIndex, first id, last id] of each ordinary recorded feed. */
const LISTS: Record<string, [number, number, number, string?, string?]> = {
  [`${R2016}/search_query=au_del_maestro+AND+ti__quantum+criticality_.xml`]: [2, 2, 0, '1111.2011', 'cond-mat/0607501'],
  [`${R2016}/search_query=au_del_maestro+AND+ti_checkerboard.xml`]: [1, 1, 0, 'cond-mat/0603029', 'cond-mat/0603029'],
  [`${R2016}/search_query=au_del_maestro+ANDNOT+%28ti_checkerboard+OR+ti_Pyrochlore%29.xml`]: [10, 24, 0, '1201.4869', '1111.2011'],
  [`${R2016}/search_query=au_del_maestro.xml`]: [10, 31, 0, '1201.4869', '0807.2873'],
  [`${R2017}/deep_dream-0.atom`]: [10, 24617, 0, '1611.09520', '1403.7984'],
  [`${R2017}/deep_dream-1.atom`]: [10, 24617, 1, '1511.08339', '1604.07600'],
  [`${R2017}/deep_dream-2.atom`]: [10, 24617, 2, '1612.03659', '1701.04738'],
  [`${R2026}/id_1605.08386_s0_m100_199195aa31ad.json`]: [1, 1, 0, '1605.08386', '1605.08386'],
  [`${R2026}/id_quant-ph_0201082v1_s0_m100_86989fe779ef.json`]: [1, 1, 0, 'quant-ph/0201082', 'quant-ph/0201082'],
  [`${R2026}/q_testing_s0_m100_cfe7536492ca.json`]: [100, 214881, 0, '2202.12139', 'gr-qc/0103067'],
  [`${R2026}/q_testing_s0_m10_bc5a6c384fe9.json`]: [10, 214881, 0, '2202.12139', '1812.11470'],
  [`${R2026}/q_testing_s0_m15_80c242b59d59.json`]: [15, 214881, 0, '2202.12139', '1912.04900'],
  [`${R2026}/q_testing_s10_m10_34e56e15aaac.json`]: [10, 214881, 10, '2403.16981', '2202.06271'],
  [`${R2026}/q_testing_s20_m10_348a237fecab.json`]: [10, 214881, 20, '2008.01944', '2602.15552'],
  [`${R2026}/q_testing_s30_m10_f2e39f0143dc.json`]: [10, 214881, 30, '2101.12036', '2501.09657'],
  [`${R2026}/q_testing_s40_m10_96dd32eb854c.json`]: [10, 214881, 40, '1704.08347', '2107.07364'],
  [`${R2026}/q_testing_s50_m10_7f488ab8598c.json`]: [10, 214881, 50, '1709.03221', '2101.09077'],
  [`${R2026}/q_testing_s5_m10_c0e94a259d4a.json`]: [10, 214881, 5, '1202.4527', '1912.04900'],
  [`${R2026}/q_testing_s5_m15_bbcf6b23085b.json`]: [15, 214881, 5, '1202.4527', '2202.06271'],
  [`${R2026}/q_testing_s9_m15_0b78d4b4d476.json`]: [15, 214881, 9, '1812.11470', '1908.03707'],
};

/** Files with their own test below. */
const SPECIAL = [
  `${R2016}/id_list=1111.2011v2.xml`,
  `${R2026}/id_0000.0000_s0_m100_8b51d9633a68.json`,
  `${R2026}/id_0808.05394_s0_m100_7b0c7d0a7cdd.json`,
  `${R2026}/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json`,
  `${R2026}/id_1707.08567_s0_m100_6a1afebfc6a3.json`,
  `${R2026}/id_2104.12255v1_s0_m100_6ae69987ffe1.json`,
  `${R2026}/id_abc_s0_m100_b79c8dcf6bc3.json`,
  `${R2026}/id_astro-ph_0601001_s0_m100_3150dca9dc76.json`,
];

describe('Atom parser on the recorded feeds', () => {
  it('covers every recorded file', () => {
    const files = readdirSync(ATOM_DIR).flatMap((d) =>
      readdirSync(join(ATOM_DIR, d))
        .filter((f) => f !== 'LICENSE')
        .map((f) => `${d}/${f}`),
    );
    expect(files.sort()).toEqual([...Object.keys(LISTS), ...SPECIAL].sort());
  });

  for (const [file, [n, total, start, first, last]] of Object.entries(LISTS)) {
    it(file, () => {
      const f = parse(file);
      expect(f.entries).toHaveLength(n);
      expect(f.skipped).toEqual([]);
      expect([f.totalResults, f.startIndex]).toEqual([total, start]);
      expect(ids(f)[0]).toBe(first);
      expect(ids(f).at(-1)).toBe(last);
      for (const { record: r, links } of f.entries) {
        expect(r.title).not.toMatch(/\s{2}|\n|^\s|\s$/);
        expect(r.abstract).not.toMatch(/\s{2}|\n/);
        expect(r.authors.length).toBeGreaterThan(0);
        expect(r.version).toBeGreaterThanOrEqual(1);
        expect(r.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
        expect(r.categories?.[0]).toBeTruthy();
        expect(r.categories).toContain(r.primaryCategory);
        expect(r.stamp).toBe(f.updated);
        expect(links.abs).toMatch(new RegExp(`^https?://arxiv\\.org/abs/${r.id}v${r.version}$`));
        expect(links.pdf).toMatch(new RegExp(`^https?://arxiv\\.org/pdf/${r.id}v${r.version}$`));
      }
    });
  }

  it('2016 form: http ids, namespaces declared on each element, doi/comment/journal ref, links', () => {
    const f = parse(`${R2016}/id_list=1111.2011v2.xml`);
    expect(f).toMatchObject({ totalResults: 1, startIndex: 0, itemsPerPage: 10, updated: '2016-10-09T04:00:00.000Z', skipped: [] });
    expect(f.entries).toHaveLength(1);
    const e = f.entries[0];
    expect(e?.record).toMatchObject({
      id: '1111.2011',
      version: 2,
      title: 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit',
      authors: [{ name: 'James M. Murray' }, { name: 'Adrian Del Maestro' }, { name: 'Zlatko Tesanovic' }],
      publishedAt: '2011-11-08T18:48:36.000Z',
      updatedAt: '2012-04-02T12:38:54.000Z',
      categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
      primaryCategory: 'cond-mat.str-el',
      comment: '8 pages, 3 figures. Published version',
      journalRef: 'Phys. Rev. B 85, 115117 (2012)',
      doi: '10.1103/PhysRevB.85.115117',
      // The feed's own date: when arXiv gave this description (offset -04:00 → UTC).
      stamp: '2016-10-09T04:00:00.000Z',
    });
    expect(e?.record.abstract).toMatch(/^Theoretical description of anisotropic systems, .* describing a single node\.$/);
    expect(e?.links).toEqual({
      abs: 'http://arxiv.org/abs/1111.2011v2',
      pdf: 'http://arxiv.org/pdf/1111.2011v2',
      doi: 'http://dx.doi.org/10.1103/PhysRevB.85.115117',
    });
  });

  it('2017 form: three consecutive pages of one query', () => {
    const pages = [0, 1, 2].map((i) => parse(`${R2017}/deep_dream-${i}.atom`));
    expect(pages.map((p) => p.startIndex)).toEqual([0, 1, 2]);
    expect(pages[0]?.entries[0]?.record).toMatchObject({
      id: '1611.09520',
      version: 2,
      title: 'Hierarchical Neural Representation of Dreamed Objects Revealed by Brain Decoding with Deep Neural Network Features',
      authors: [{ name: 'Tomoyasu Horikawa' }, { name: 'Yukiyasu Kamitani' }],
      stamp: '2017-05-14T04:00:00.000Z',
    });
  });

  it('2026 form: old-style id, affiliations, journal ref', () => {
    const f = parse(`${R2026}/id_astro-ph_0601001_s0_m100_3150dca9dc76.json`);
    expect(f.entries[0]?.record).toMatchObject({
      id: 'astro-ph/0601001',
      version: 1,
      title: 'Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward the Galactic Bulge and Carina',
      authors: [
        { name: 'Andrew Gould', affiliation: 'Ohio State' },
        { name: 'Susan Dorsher', affiliation: 'Ohio State' },
        { name: 'B. Scott Gaudi', affiliation: 'CfA' },
        { name: 'Andrzej Udalski', affiliation: 'Warsaw University Observatory' },
      ],
      publishedAt: '2006-01-02T14:57:58.000Z',
      updatedAt: '2006-01-02T14:57:58.000Z',
      categories: ['astro-ph'],
      primaryCategory: 'astro-ph',
      journalRef: 'ActaAstron.56:1-50,2006',
      stamp: '2026-05-11T23:51:23.000Z',
    });
    // Entities in the abstract are decoded.
    expect(f.entries[0]?.record.abstract).toContain('Gould & Morgan (2003)');
    expect(f.entries[0]?.record.abstract).toContain('V_max<17.5');
    expect(f.entries[0]?.links).toEqual({
      abs: 'https://arxiv.org/abs/astro-ph/0601001v1',
      pdf: 'https://arxiv.org/pdf/astro-ph/0601001v1',
    });
  });

  it('2026 form: a title that is just "0" is a title', () => {
    const f = parse(`${R2026}/id_2104.12255v1_s0_m100_6ae69987ffe1.json`);
    expect(f.entries[0]?.record).toMatchObject({
      id: '2104.12255',
      version: 1,
      title: '0',
      categories: ['cs.CR'],
      primaryCategory: 'cs.CR',
      authors: [{ name: 'Quan Thoi Minh Nguyen' }],
    });
  });

  it('2026 form: non-ASCII names come out right', () => {
    for (const file of [
      `${R2026}/id_1707.08567_s0_m100_6a1afebfc6a3.json`,
      `${R2026}/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json`,
    ]) {
      const f = parse(file);
      expect(ids(f)).toEqual(['1707.08567']);
      const r = f.entries[0]?.record;
      expect(r?.authors).toHaveLength(34);
      expect(r?.authors.map((a) => a.name)).toContain('Dirk Wübben');
      expect(r?.comment).toBe('44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck');
    }
  });

  it('an empty result is a feed with no entries', () => {
    for (const file of [`${R2026}/id_0000.0000_s0_m100_8b51d9633a68.json`, `${R2026}/id_0808.05394_s0_m100_7b0c7d0a7cdd.json`]) {
      const f = parse(file);
      expect(f).toMatchObject({ entries: [], skipped: [], totalResults: 0, startIndex: 0, itemsPerPage: 100 });
    }
  });

  it("the HTTP 400 error feed throws ArxivApiError with arXiv's explanation", () => {
    const r = recorded(`${R2026}/id_abc_s0_m100_b79c8dcf6bc3.json`);
    expect(r.status).toBe(400);
    try {
      parseArxivAtom(r.body, { status: r.status });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArxivApiError);
      expect(e).toMatchObject({
        detail: 'incorrect id format for abc',
        status: 400,
        errorId: 'https://arxiv.org/api/errors#incorrect_id_format_for_abc',
      });
      expect((e as Error).message).toBe('arXiv API error (HTTP 400): incorrect id format for abc');
    }
  });
});

describe('Atom parser: odd entries and hostile input', () => {
  const feed = (entries: string) =>
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"><updated>2026-01-01T00:00:00Z</updated>${entries}</feed>`;

  it('skips entries it cannot read, with the reason', () => {
    const f = parseArxivAtom(
      feed(
        [
          '<entry><id>http://arxiv.org/abs/2401.00001v3</id><title>Fine</title><published>2024-01-01T00:00:00Z</published></entry>',
          '<entry><id>http://example.org/x</id><title>Not arXiv</title></entry>',
          '<entry><id>http://arxiv.org/abs/2401.00002v1</id><title> </title></entry>',
          '<entry><id>http://arxiv.org/abs/2401.00003v1</id><title>T</title><published>yesterday</published></entry>',
        ].join(''),
      ),
    );
    expect(ids(f)).toEqual(['2401.00001']);
    expect(f.entries[0]?.record).toMatchObject({ version: 3, stamp: '2026-01-01T00:00:00.000Z', authors: [], abstract: '' });
    expect(f.skipped).toEqual([
      { entryId: 'http://example.org/x', reason: 'invalid arXiv id "http://example.org/x"' },
      { entryId: 'http://arxiv.org/abs/2401.00002v1', reason: 'no title' },
      { entryId: 'http://arxiv.org/abs/2401.00003v1', reason: 'invalid published date "yesterday"' },
    ]);
  });

  it('without a feed date, an entry is stamped with its own updated date', () => {
    const f = parseArxivAtom(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v2</id><title>T</title><updated>2024-02-03T04:05:06Z</updated></entry></feed>',
    );
    expect(f.entries[0]?.record.stamp).toBe('2024-02-03T04:05:06.000Z');
  });

  it('not XML, HTML pages, other XML', () => {
    expect(() => parseArxivAtom('Rate exceeded.')).toThrow(AtomParseError);
    expect(() => parseArxivAtom('<!DOCTYPE html><html><body>Bad gateway</body></html>')).toThrow(/DOCTYPE/);
    expect(() => parseArxivAtom('<html><body>Bad gateway</body></html>')).toThrow(/not an Atom feed: the root element is <html>/);
    expect(() => parseArxivAtom('<feed><entry/></feed>')).toThrow(/namespace/);
    expect(() => parseArxivAtom(recorded(`${R2016}/search_query=au_del_maestro.xml`).body.subarray(0, 5000))).toThrow(/ends early/);
  });

  it('entity expansion and external entities are refused', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "${'x'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&c;</title></feed>`;
    expect(() => parseArxivAtom(bomb)).toThrow(AtomParseError);
    const xxe =
      '<!DOCTYPE feed [<!ENTITY x SYSTEM "http://127.0.0.1:1/secret">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>';
    expect(() => parseArxivAtom(xxe)).toThrow(/DOCTYPE/);
  });

  it('a huge summary stops the parse', () => {
    const big = feed(
      `<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>T</title><summary>${'b'.repeat(2_100_000)}</summary></entry>`,
    );
    expect(() => parseArxivAtom(big, { maxTokenChars: 2_000_000 })).toThrow(/longer than 2000000/);
  });
});
