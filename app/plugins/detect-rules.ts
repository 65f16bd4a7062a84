/**
 * A plugin's detection stated as data (ProcessorDetectRules in
 * contract/logmill.h): `magic=HEX` (the head starts with these bytes) or
 * `pattern=REGEX` (searched in the head read as Latin-1, one character per
 * byte). A head that matches none of them scores 0 without the plugin's
 * Detect running, so routing starts no worker for it. Only data crosses
 * here: this module is safe in the main process.
 */
export type DetectRule = { magic: Buffer } | { pattern: RegExp };

/** The rule that says no head is this format: the plugin is routed to only by extension or --format. */
export const NO_DETECT_RULE = 'none';

/**
 * The rules of ProcessorDetectRules' text; throws naming the first rule that
 * does not parse. `none` alone is returned as [NO_DETECT_RULE] (the caller
 * treats the plugin as one without ProcessorDetect).
 */
export function parseDetectRules(text: string): string[] {
  const rules = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  if (rules.includes(NO_DETECT_RULE)) {
    if (rules.length > 1) throw new Error(`detect rule "${NO_DETECT_RULE}" must stand alone`);
    return rules;
  }
  for (const rule of rules) compileRule(rule);
  return rules;
}

function compileRule(rule: string): DetectRule {
  const eq = rule.indexOf('=');
  const kind = eq < 0 ? '' : rule.slice(0, eq);
  const value = rule.slice(eq + 1);
  if (kind === 'magic') {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(value)) throw new Error(`detect rule "${rule}": expected an even number of hex digits`);
    return { magic: Buffer.from(value, 'hex') };
  }
  if (kind === 'pattern') {
    try {
      return { pattern: new RegExp(value) };
    } catch (err) {
      throw new Error(`detect rule "${rule}": ${(err as Error).message}`);
    }
  }
  throw new Error(`detect rule "${rule}": expected magic=HEX, pattern=REGEX or none`);
}

/** A matcher for checked rules (parseDetectRules); no rules: every head may be this format. */
export function detectGate(rules: readonly string[] | undefined): (head: Buffer) => boolean {
  if (!rules || rules.length === 0) return () => true;
  const compiled = rules.map(compileRule);
  return (head) => {
    let latin1: string | undefined;
    return compiled.some((r) => {
      if ('magic' in r) return head.length >= r.magic.length && head.subarray(0, r.magic.length).equals(r.magic);
      latin1 ??= head.toString('latin1');
      return r.pattern.test(latin1);
    });
  };
}
