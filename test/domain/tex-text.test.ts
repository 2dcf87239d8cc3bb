// Math as Unicode text (mail, <title>, feeds): common notation reads as a person would write it by
// hand; anything else, hostile or broken, still comes out as bounded plain text.
import { describe, expect, it } from 'vitest';
import { MAX_MATH_CHARS } from '../../src/domain/math-segments.ts';
import { mathText, texToText } from '../../src/domain/tex-text.ts';

describe('texToText', () => {
  it('writes symbols, letter styles, scripts, fractions and roots in Unicode', () => {
    expect(texToText('$\\alpha \\leq \\mathbb{R}^{2}$')).toBe('α ≤ ℝ²');
    expect(texToText('Scaling $O(n \\log n)$ attention to $10^{9}$ tokens')).toBe('Scaling O(n log n) attention to 10⁹ tokens');
    expect(texToText('$\\frac{a+b}{c}$, $\\sqrt{2}$, $\\sqrt[3]{x}$, $\\mathcal{O}(N^2)$')).toBe('(a+b)/c, √2, ∛x, O(N²)');
    expect(texToText('$\\text{SO}(3)$-equivariant $\\ell_1$ and $\\epsilon$-greedy at $90^\\circ$')).toBe(
      'SO(3)-equivariant ℓ₁ and ϵ-greedy at 90°',
    );
    expect(texToText('$\\left( \\frac{1}{2} \\right.$ and $\\{x \\mid x > 0\\}$')).toBe('( 1/2 and {x ∣ x > 0}');
    expect(texToText('$x^{n+1}$ and $x^{\\alpha\\beta}$')).toBe('xⁿ⁺¹ and x^(αβ)');
    expect(texToText('$$E = mc^2$$ and \\(a \\times b\\) and \\[\\sum_i x_i\\]')).toBe('E = mc² and a × b and ∑ᵢ xᵢ');
  });

  it('leaves money, escaped dollars and text alone, and unwraps \\url', () => {
    expect(texToText('Earn $1 Million, spend \\$5, see \\url{https://x.org/a}')).toBe('Earn $1 Million, spend $5, see https://x.org/a');
    expect(texToText('No math here.')).toBe('No math here.');
  });

  it('turns hostile and broken TeX into bounded plain text without throwing', () => {
    for (const tex of [
      '}',
      '{',
      '\\frac{',
      '^{}',
      '_',
      '\\',
      '\\sqrt[',
      '\\left',
      '\\unknownmacro{q}',
      '<script>alert(1)</script>',
      '{'.repeat(500) + '}'.repeat(500),
      '\\frac'.repeat(300),
      'x^'.repeat(400),
    ]) {
      const out = mathText(tex);
      expect(typeof out).toBe('string');
      expect(out.length).toBeLessThanOrEqual(tex.length * 4 + 8);
      expect(out).not.toContain('\\');
    }
    // Over-long "math" is not math (a stray dollar): it stays as written.
    const long = `$${'x'.repeat(MAX_MATH_CHARS + 1)}$`;
    expect(texToText(long)).toBe(long);
    expect(texToText('<b>$x$</b>')).toBe('<b>x</b>'); // escaping is the caller's job, on the result
  });
});
