/**
 * Python's `decimal.Decimal`, for the numeric values of query results: dbt hands templates
 * a Decimal for a numeric column (through agate), which keeps its scale (`1.50` prints
 * `1.50`), adds exactly, and divides to 28 significant digits. Arithmetic with ints is
 * exact; with floats it fails as in Python. Comparisons read it as a number (`valueOf`).
 */
const PRECISION = 28;
const SPECIAL = /^([+-])?(nan|inf|infinity)$/i;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function digitsOf(value: bigint): string {
  return (value < 0n ? -value : value).toString();
}

/** Round `coefficient` (non-negative) by dropping `drop` digits, half to even. */
function roundHalfEven(coefficient: bigint, drop: number): bigint {
  if (drop <= 0) return coefficient;
  const divisor = pow10(drop);
  const quotient = coefficient / divisor;
  const remainder = coefficient % divisor;
  const twice = remainder * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/** The value as a Decimal, or undefined when Python would refuse the operand (a float, text). */
function operand(value: unknown): PyDecimal | undefined {
  if (value instanceof PyDecimal) return value;
  if (typeof value === 'boolean') return new PyDecimal(value ? 1n : 0n, 0);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return new PyDecimal(BigInt(value), 0);
  return undefined;
}

function unsupported(operator: string, other: unknown): never {
  const type = typeof other === 'number' ? 'float' : typeof other === 'string' ? 'str' : other === null || other === undefined ? 'NoneType' : typeof other;
  throw new TypeError(`unsupported operand type(s) for ${operator}: 'decimal.Decimal' and '${type}'`);
}

export class PyDecimal {
  /** value = coefficient × 10^exponent; `special` for NaN and the infinities (then the rest is unused). */
  constructor(
    readonly coefficient: bigint,
    readonly exponent: number,
    readonly special: 'NaN' | 'Infinity' | '-Infinity' | null = null,
  ) {}

  /** Decimal's constructor from text: `1.50`, `-3`, `1E+3`, `NaN`, `Infinity` (as Postgres prints numerics). */
  static parse(text: string): PyDecimal {
    const trimmed = text.trim();
    const special = SPECIAL.exec(trimmed);
    if (special) return new PyDecimal(0n, 0, special[2].toLowerCase() === 'nan' ? 'NaN' : special[1] === '-' ? '-Infinity' : 'Infinity');
    const match = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(trimmed.replace(/_/g, ''));
    if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new Error(`[<class 'decimal.ConversionSyntax'>]: invalid Decimal literal '${text}'`);
    const [, sign, whole, fraction = '', exponent = '0'] = match;
    const magnitude = BigInt(`${whole}${fraction}` || '0');
    return new PyDecimal(sign === '-' ? -magnitude : magnitude, Number(exponent) - fraction.length);
  }

  /**
   * A float as agate reads one from a query, `Decimal(repr(value))`: Python's repr is fixed
   * notation with a `.0` on whole numbers from 1e-4 to 1e16, scientific outside.
   */
  static fromFloat(value: number): PyDecimal {
    if (Number.isNaN(value)) return new PyDecimal(0n, 0, 'NaN');
    if (!Number.isFinite(value)) return new PyDecimal(0n, 0, value > 0 ? 'Infinity' : '-Infinity');
    const [mantissa, exponent] = value.toExponential().split('e');
    if (Number(exponent) < -4 || Number(exponent) >= 16) return PyDecimal.parse(`${mantissa}e${exponent}`);
    const fixed = String(value);
    return PyDecimal.parse(fixed.includes('.') ? fixed : `${fixed}.0`);
  }

  /** `Decimal(value)` in a template: from text, an int, or another Decimal. */
  static from(value: unknown): PyDecimal {
    if (value instanceof PyDecimal) return value;
    if (typeof value === 'number') return Number.isInteger(value) ? new PyDecimal(BigInt(value), 0) : PyDecimal.parse(String(value));
    return PyDecimal.parse(String(value ?? '0'));
  }

  /** Python's Decimal.__str__ (to-scientific-string). */
  toString(): string {
    if (this.special) return this.special;
    const sign = this.coefficient < 0n ? '-' : '';
    const digits = digitsOf(this.coefficient);
    const leftDigits = this.exponent + digits.length;
    const dot = this.exponent <= 0 && leftDigits > -6 ? leftDigits : 1;
    let text: string;
    if (dot <= 0) text = `0.${'0'.repeat(-dot)}${digits}`;
    else if (dot >= digits.length) text = digits + '0'.repeat(dot - digits.length);
    else text = `${digits.slice(0, dot)}.${digits.slice(dot)}`;
    const exponent = leftDigits === dot ? '' : `E${leftDigits - dot >= 0 ? '+' : ''}${leftDigits - dot}`;
    return sign + text + exponent;
  }

  __repr__(): string {
    return `Decimal('${this.toString()}')`;
  }

  valueOf(): number {
    return this.special ? Number(this.special) : Number(this.toString());
  }

  toJSON(): number {
    return this.valueOf();
  }

  __float__(): number {
    return this.valueOf();
  }

  __bool__(): boolean {
    return this.special !== null || this.coefficient !== 0n;
  }

  __eq__(other: unknown): boolean {
    const right = operand(other);
    if (!right) return typeof other === 'number' && this.valueOf() === other;
    if (this.special || right.special) return this.special === right.special && this.special !== 'NaN';
    const exponent = Math.min(this.exponent, right.exponent);
    return this.coefficient * pow10(this.exponent - exponent) === right.coefficient * pow10(right.exponent - exponent);
  }

  private aligned(other: PyDecimal): [bigint, bigint, number] {
    const exponent = Math.min(this.exponent, other.exponent);
    return [this.coefficient * pow10(this.exponent - exponent), other.coefficient * pow10(other.exponent - exponent), exponent];
  }

  private arithmetic(other: unknown, operator: string, exact: (a: PyDecimal, b: PyDecimal) => PyDecimal): PyDecimal {
    const right = operand(other);
    if (!right) return unsupported(operator, other);
    if (this.special || right.special) return PyDecimal.parse(String(this.float(operator, right)));
    return exact(this, right);
  }

  private float(operator: string, right: PyDecimal): number {
    const [a, b] = [this.valueOf(), right.valueOf()];
    return operator === '+' ? a + b : operator === '-' ? a - b : operator === '*' ? a * b : a / b;
  }

  __add__(other: unknown): PyDecimal {
    return this.arithmetic(other, '+', (a, b) => {
      const [x, y, exponent] = a.aligned(b);
      return new PyDecimal(x + y, exponent);
    });
  }

  __radd__(other: unknown): PyDecimal {
    return this.__add__(other);
  }

  __sub__(other: unknown): PyDecimal {
    return this.arithmetic(other, '-', (a, b) => {
      const [x, y, exponent] = a.aligned(b);
      return new PyDecimal(x - y, exponent);
    });
  }

  __rsub__(other: unknown): PyDecimal {
    const left = operand(other);
    return left ? left.__sub__(this) : unsupported('-', other);
  }

  __mul__(other: unknown): PyDecimal {
    return this.arithmetic(other, '*', (a, b) => new PyDecimal(a.coefficient * b.coefficient, a.exponent + b.exponent).rounded());
  }

  __rmul__(other: unknown): PyDecimal {
    return this.__mul__(other);
  }

  /** Python's Decimal division: exact when the quotient ends (at the ideal exponent), else 28 digits. */
  __truediv__(other: unknown): PyDecimal {
    return this.arithmetic(other, '/', (a, b) => {
      if (b.coefficient === 0n) throw new Error(a.coefficient === 0n ? "[<class 'decimal.DivisionUndefined'>]" : "[<class 'decimal.DivisionByZero'>]");
      const negative = a.coefficient < 0n !== b.coefficient < 0n;
      const idealExponent = a.exponent - b.exponent;
      if (a.coefficient === 0n) return new PyDecimal(0n, idealExponent);
      const x = a.coefficient < 0n ? -a.coefficient : a.coefficient;
      const y = b.coefficient < 0n ? -b.coefficient : b.coefficient;
      const shift = digitsOf(y).length - digitsOf(x).length + PRECISION + 1;
      let exponent = idealExponent - shift;
      let quotient = shift >= 0 ? (x * pow10(shift)) / y : x / (y * pow10(-shift));
      const remainder = shift >= 0 ? (x * pow10(shift)) % y : x % (y * pow10(-shift));
      if (remainder !== 0n) {
        // Not exact: a last digit other than 0 or 5 makes the rounding below see the remainder.
        if (quotient % 5n === 0n) quotient += 1n;
      } else {
        while (exponent < idealExponent && quotient % 10n === 0n) {
          quotient /= 10n;
          exponent += 1;
        }
      }
      return new PyDecimal(negative ? -quotient : quotient, exponent).rounded();
    });
  }

  __rtruediv__(other: unknown): PyDecimal {
    const left = operand(other);
    return left ? left.__truediv__(this) : unsupported('/', other);
  }

  /** Decimal's `//` truncates toward zero (unlike int's). */
  __floordiv__(other: unknown): PyDecimal {
    return this.arithmetic(other, '//', (a, b) => {
      if (b.coefficient === 0n) throw new Error("[<class 'decimal.DivisionByZero'>]");
      const [x, y] = a.aligned(b);
      return new PyDecimal(x / y, 0);
    });
  }

  /** Decimal's `%` takes the sign of the dividend (unlike int's). */
  __mod__(other: unknown): PyDecimal {
    return this.arithmetic(other, '%', (a, b) => {
      if (b.coefficient === 0n) throw new Error("[<class 'decimal.InvalidOperation'>]");
      const [x, y, exponent] = a.aligned(b);
      return new PyDecimal(x % y, exponent);
    });
  }

  __neg__(): PyDecimal {
    if (this.special) return new PyDecimal(0n, 0, this.special === 'NaN' ? 'NaN' : this.special === 'Infinity' ? '-Infinity' : 'Infinity');
    return new PyDecimal(-this.coefficient, this.exponent);
  }

  __abs__(): PyDecimal {
    return this.coefficient < 0n ? this.__neg__() : this;
  }

  /** The context's rounding: at most 28 significant digits, half to even. */
  private rounded(): PyDecimal {
    const digits = digitsOf(this.coefficient);
    if (digits.length <= PRECISION) return this;
    const drop = digits.length - PRECISION;
    let magnitude = roundHalfEven(this.coefficient < 0n ? -this.coefficient : this.coefficient, drop);
    let exponent = this.exponent + drop;
    if (digitsOf(magnitude).length > PRECISION) {
      magnitude = roundHalfEven(magnitude, 1);
      exponent += 1;
    }
    return new PyDecimal(this.coefficient < 0n ? -magnitude : magnitude, exponent);
  }

  /** `Decimal.quantize(Decimal('0.01'))`: to the exponent of `exp`, half to even. */
  quantize(exp: unknown): PyDecimal {
    const target = PyDecimal.from(exp).exponent;
    if (target >= this.exponent) {
      const magnitude = roundHalfEven(this.coefficient < 0n ? -this.coefficient : this.coefficient, target - this.exponent);
      return new PyDecimal(this.coefficient < 0n ? -magnitude : magnitude, target);
    }
    return new PyDecimal(this.coefficient * pow10(this.exponent - target), target);
  }

  is_nan(): boolean {
    return this.special === 'NaN';
  }

  is_zero(): boolean {
    return !this.special && this.coefficient === 0n;
  }
}
