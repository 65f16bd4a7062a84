/**
 * `--where EXPR`: a small predicate language over records, e.g.
 * `status >= 500 and path ~ '^/api' and not user = 'health'`.
 *
 *   expr       := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "(" expr ")" | comparison
 *   comparison := NAME OP VALUE       OP: = == != < <= > >= ~ !~ ~* (~* ignores case)
 *   VALUE      := 'text' | "text" | a bare word (500, warn, 2026-11-23T05:00:00Z, GET)
 *
 * NAME is `severity` (or `level`), `time`, `message`, `file`, or a field;
 * `fields.NAME` reaches a field called like one of those. Severity compares
 * by rank (`severity >= warn`; an `unknown` severity is below nothing and
 * above nothing); time compares with a stamp as `--since` takes it. A field
 * compares as a number when the literal is an unquoted number and the value
 * reads as one; otherwise as text. A comparison on a missing field (or a
 * record without a time) is false, and `a != b` is exactly `not a = b`.
 *
 * Hand-written recursive descent: the grammar is a dozen lines, and a
 * syntax error must point at the token it is about (WhereSyntaxError
 * carries its span; settings.ts draws the caret). The parsed tree is plain
 * data (RegExps included) so it crosses to the workers as it is, and is
 * evaluated there per record.
 */
import { severityFromName, SEVERITY_NAMES, Severity } from '../../contract/severity.js';
import type { LogRecord } from '../../contract/processor.js';
import { asNumber, asText, fieldOf, type FieldValue } from './values.js';

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~';

export type Subject = { k: 'severity' } | { k: 'time' } | { k: 'message' } | { k: 'file' } | { k: 'field'; name: string };

export interface Literal {
  text: string;
  /** An unquoted number: compared as a number. */
  number?: number;
  /** `~`: the compiled pattern. */
  regex?: RegExp;
  /** severity: the rank; time: microseconds since the epoch. */
  scalar?: number;
}

export type WhereExpr =
  | { k: 'and' | 'or'; a: WhereExpr; b: WhereExpr }
  | { k: 'not'; a: WhereExpr }
  | { k: 'cmp'; subject: Subject; op: Op; lit: Literal };

/** A syntax or value error at `start`..`end` of the expression text. */
export class WhereSyntaxError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
  }
}

export interface WhereContext {
  /** A time literal as microseconds since the epoch, or undefined if it is not a time (`--since` rules). */
  instant(text: string): number | undefined;
}

interface Token {
  kind: 'word' | 'string' | 'op' | '(' | ')' | 'end';
  text: string;
  start: number;
  end: number;
}

const OPS = ['==', '!=', '<=', '>=', '!~', '~*', '=', '<', '>', '~'];
/** What ends a bare word: space, parentheses, operator characters, quotes. */
const BARE = /[^\s()=!<>~'"]+/y;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c, text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < src.length && src[j] !== c; j++) {
        if (src[j] === '\\' && (src[j + 1] === c || src[j + 1] === '\\')) j++;
        text += src[j];
      }
      if (j >= src.length) throw new WhereSyntaxError(`unterminated string: no closing ${c}`, i, src.length);
      tokens.push({ kind: 'string', text, start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    BARE.lastIndex = i;
    const m = BARE.exec(src);
    if (!m) throw new WhereSyntaxError(`unexpected "${c}"`, i, i + 1); // a lone "!"
    tokens.push({ kind: 'word', text: m[0], start: i, end: i + m[0].length });
    i += m[0].length;
  }
  tokens.push({ kind: 'end', text: '', start: src.length, end: src.length });
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not']);
const isKeyword = (t: Token, kw?: string) => t.kind === 'word' && (kw ? t.text.toLowerCase() === kw : KEYWORDS.has(t.text.toLowerCase()));

/** Parses `--where` text; throws WhereSyntaxError pointing at the bad token. */
export function parseWhere(src: string, ctx: WhereContext): WhereExpr {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const found = (t: Token) => (t.kind === 'end' ? 'the expression ends' : `found "${t.text}"`);

  function or(): WhereExpr {
    let a = and();
    while (isKeyword(peek(), 'or')) {
      next();
      a = { k: 'or', a, b: and() };
    }
    return a;
  }
  function and(): WhereExpr {
    let a = unary();
    while (isKeyword(peek(), 'and')) {
      next();
      a = { k: 'and', a, b: unary() };
    }
    return a;
  }
  function unary(): WhereExpr {
    const t = peek();
    if (isKeyword(t, 'not')) {
      next();
      return { k: 'not', a: unary() };
    }
    if (t.kind === '(') {
      next();
      const inner = or();
      const close = next();
      if (close.kind !== ')') throw new WhereSyntaxError(`expected ")" to close the "(" at column ${t.start + 1}, ${found(close)}`, close.start, Math.max(close.end, close.start + 1));
      return inner;
    }
    return comparison();
  }
  function comparison(): WhereExpr {
    const name = next();
    if (name.kind !== 'word' || isKeyword(name)) {
      throw new WhereSyntaxError(`expected a field name (or severity, time, message, file), ${found(name)}`, name.start, Math.max(name.end, name.start + 1));
    }
    const opTok = next();
    if (opTok.kind !== 'op') {
      throw new WhereSyntaxError(`expected an operator (= != < <= > >= ~ !~) after "${name.text}", ${found(opTok)}`, opTok.start, Math.max(opTok.end, opTok.start + 1));
    }
    const value = next();
    if (!(value.kind === 'string' || (value.kind === 'word' && !isKeyword(value)))) {
      throw new WhereSyntaxError(`expected a value after "${opTok.text}", ${found(value)}`, value.start, Math.max(value.end, value.start + 1));
    }
    const subject = subjectOf(name.text);
    const op: Op = opTok.text === '==' ? '=' : opTok.text === '~*' ? '~' : (opTok.text as Op);
    return { k: 'cmp', subject, op, lit: literal(subject, op, opTok, value, ctx) };
  }

  const expr = or();
  const rest = peek();
  if (rest.kind !== 'end') {
    const hint = rest.kind === ')' ? 'a ")" with no "(" before it' : `"${rest.text}": expected "and", "or" or the end`;
    throw new WhereSyntaxError(`unexpected ${hint}`, rest.start, rest.end);
  }
  return expr;
}

function subjectOf(name: string): Subject {
  switch (name) {
    case 'severity':
    case 'level':
      return { k: 'severity' };
    case 'time':
    case 'message':
    case 'file':
      return { k: name };
    default:
      return { k: 'field', name: name.startsWith('fields.') ? name.slice('fields.'.length) : name };
  }
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function literal(subject: Subject, op: Op, opTok: Token, value: Token, ctx: WhereContext): Literal {
  const lit: Literal = { text: value.text };
  const at = (message: string, t = value) => new WhereSyntaxError(message, t.start, t.end);
  if (op === '~' || op === '!~') {
    if (subject.k === 'severity' || subject.k === 'time') throw at(`"${opTok.text}" matches text; ${subject.k} compares with = != < <= > >=`, opTok);
    try {
      lit.regex = new RegExp(value.text, opTok.text === '~*' ? 'i' : '');
    } catch (err) {
      throw at(`bad regular expression: ${(err as Error).message}`);
    }
    return lit;
  }
  if (subject.k === 'severity') {
    const rank = severityFromName(value.text);
    if (rank === undefined && value.text.toLowerCase() !== 'unknown') throw at(`"${value.text}" is not a severity: expected one of ${SEVERITY_NAMES.join(', ')}`);
    lit.scalar = rank ?? Severity.Unknown;
    return lit;
  }
  if (subject.k === 'time') {
    const us = ctx.instant(value.text);
    if (us === undefined) throw at(`"${value.text}" is not a time: expected one such as 2026-11-23T05:00:00Z, 2026-11-23, or a duration ago such as 2h`);
    lit.scalar = us;
    return lit;
  }
  if (value.kind === 'word' && NUMBER.test(value.text)) lit.number = Number(value.text);
  return lit;
}

/** Whether record `r` of input `file` satisfies the expression. */
export function evaluate(e: WhereExpr, r: LogRecord, file: string): boolean {
  switch (e.k) {
    case 'and':
      return evaluate(e.a, r, file) && evaluate(e.b, r, file);
    case 'or':
      return evaluate(e.a, r, file) || evaluate(e.b, r, file);
    case 'not':
      return !evaluate(e.a, r, file);
    case 'cmp':
      // `!=` and `!~` are the negation of `=` and `~`, so a missing value passes them.
      if (e.op === '!=') return !compare({ ...e, op: '=' }, r, file);
      if (e.op === '!~') return !compare({ ...e, op: '~' }, r, file);
      return compare(e, r, file);
  }
}

function compare(e: { subject: Subject; op: Op; lit: Literal }, r: LogRecord, file: string): boolean {
  const { subject, op, lit } = e;
  switch (subject.k) {
    case 'severity':
      // unknown is a severity nobody ranked: equal only to itself, never above or below anything.
      if (op !== '=' && (r.severity === Severity.Unknown || lit.scalar === Severity.Unknown)) return false;
      return ordered(op, r.severity - lit.scalar!);
    case 'time':
      return r.time !== null && ordered(op, r.time - lit.scalar!);
    case 'message':
      return value(op, lit, r.message);
    case 'file':
      return value(op, lit, file);
    case 'field': {
      const v = fieldOf(r, subject.name);
      return v !== undefined && value(op, lit, v);
    }
  }
}

function value(op: Op, lit: Literal, v: FieldValue): boolean {
  if (lit.regex) {
    lit.regex.lastIndex = 0;
    return lit.regex.test(asText(v));
  }
  if (lit.number !== undefined) {
    const n = asNumber(v);
    return n !== undefined && ordered(op, n - lit.number);
  }
  const text = asText(v);
  return ordered(op, text < lit.text ? -1 : text > lit.text ? 1 : 0);
}

function ordered(op: Op, diff: number): boolean {
  switch (op) {
    case '=':
      return diff === 0;
    case '<':
      return diff < 0;
    case '<=':
      return diff <= 0;
    case '>':
      return diff > 0;
    case '>=':
      return diff >= 0;
    default:
      return false;
  }
}
