import { describe, expect, it } from 'vitest';
import { printable } from '../../app/render/escape.js';

describe('printable (terminal output of untrusted text)', () => {
  it('shows C0 controls in caret notation, as less does', () => {
    expect(printable('a\x1b[2Jb')).toBe('a^[[2Jb');
    expect(printable('title\x1b]0;pwned\x07')).toBe('title^[]0;pwned^G');
    expect(printable('BAD\rok\b')).toBe('BAD^Mok^H');
    expect(printable('del\x7f')).toBe('del^?');
  });
  it('shows C1 controls and bidi overrides as code points', () => {
    expect(printable('x\x9b31m')).toBe('x<U+009B>31m');
    expect(printable('abc\u202edcb')).toBe('abc<U+202E>dcb');
  });
  it('keeps tabs, text and emoji; newlines only when asked', () => {
    expect(printable('a\tb é 😀')).toBe('a\tb é 😀');
    expect(printable('l1\nl2')).toBe('l1^Jl2');
    expect(printable('l1\nl2', { keepNewlines: true })).toBe('l1\nl2');
  });
  it('shows a lone surrogate instead of passing it on', () => {
    expect(printable('a\ud800b')).toBe('a<U+D800>b');
  });
});
