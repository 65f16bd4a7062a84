/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so the benchmark
 * data is byte-for-byte reproducible from (format, size, seed). Never
 * Math.random: two runs of the benchmark must read the same bytes.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 16; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  hex(len: number): string {
    let s = '';
    while (s.length < len) s += this.next().toString(16).padStart(8, '0');
    return s.slice(0, len);
  }
}

/** Picks from weighted choices; build once, call `pick` per record. */
export class Weighted<T> {
  private readonly cumulative: number[] = [];
  private readonly values: T[] = [];

  constructor(choices: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [, w] of choices) sum += w;
    let acc = 0;
    for (const [v, w] of choices) {
      acc += w / sum;
      this.cumulative.push(acc);
      this.values.push(v);
    }
    this.cumulative[this.cumulative.length - 1] = 1;
  }

  pick(rng: Rng): T {
    const x = rng.float();
    for (let i = 0; i < this.cumulative.length; i++) if (x < this.cumulative[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
}
