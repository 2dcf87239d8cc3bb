// Hostile TeX for the budget tests (test/web/tex-budget.test.ts) and the benchmark (bench/tex-budget.ts).
/** The comment from the security review: 230 characters that once stored 660 KB and held the server 2.2 s. */
export const BOMB = `$\\def\\a{${'a'.repeat(150)}}\\def\\b{\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a}\\def\\c{\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b}\\c\\c\\c\\c$`;
const deeper = (levels: number) => {
  let tex = `\\def\\x0{${'a'.repeat(100)}}`;
  for (let i = 1; i <= levels; i++) tex += `\\def\\x${i}{${`\\x${i - 1}`.repeat(10)}}`;
  return `$${tex}\\x${levels}$`;
};
/** The worst TeX found: expansion bombs, long formulas, a thousand formulas, huge lengths, untrusted commands. */
export const WORST_TEX = [
  BOMB,
  deeper(4),
  deeper(6),
  `$\\newcommand{\\a}{${'x'.repeat(150)}}\\newcommand{\\b}{\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a}\\newcommand{\\c}{\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b}\\c\\c\\c$`,
  `$\\def\\a{${'y'.repeat(150)}}\\let\\b\\a\\def\\c{\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b}\\def\\d{\\c\\c\\c\\c\\c\\c\\c\\c\\c\\c}\\d\\d$`,
  `$${'\\frac{a}{b}'.repeat(43).slice(0, 474)}$`,
  Array.from({ length: 1000 }, (_, i) => `$x_{${i}}^2$`).join(' '),
  '$\\kern-1000em x$ $\\mkern-18000mu y$ $\\hspace{-500em} z$ $\\raisebox{-300em}{w}$ $\\rule{1000em}{1000em}$',
  '$\\href{javascript:alert(1)}{click}$ $\\url{javascript:alert(1)}$ $\\htmlStyle{color:red;position:fixed}{x}$ $\\htmlClass{a}{b}$',
];
