/**
 * Python's `datetime.timedelta`: a span in microseconds, with Python's normalised parts
 * (`days` may be negative, `seconds` and `microseconds` never are), its str() and repr(), and
 * its arithmetic with other timedeltas and numbers.
 */
import { splitArgs } from './keyword-args.js';
import { plainValue } from './python-values.js';

const DAY_US = 86_400_000_000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Python's round(): halves to even. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

export class PyTimeDelta {
  /** The whole span in microseconds (Python's timedelta resolution). */
  constructor(readonly totalMicroseconds: number) {}

  /** `timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)`. */
  static fromArgs(args: unknown[]): PyTimeDelta {
    const { positional, kwargs: keywords } = splitArgs(args);
    const names = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];
    const value = (name: string) => Number(plainValue(keywords[name] ?? positional[names.indexOf(name)] ?? 0));
    const micro =
      value('days') * 86_400e6 + value('seconds') * 1e6 + value('microseconds') + value('milliseconds') * 1e3 + value('minutes') * 60e6 + value('hours') * 3_600e6 + value('weeks') * 604_800e6;
    return new PyTimeDelta(roundHalfEven(micro));
  }

  get days(): number {
    return Math.floor(this.totalMicroseconds / DAY_US);
  }

  get seconds(): number {
    return Math.floor((this.totalMicroseconds - this.days * DAY_US) / 1e6);
  }

  get microseconds(): number {
    return this.totalMicroseconds - this.days * DAY_US - this.seconds * 1e6;
  }

  total_seconds(): number {
    return this.totalMicroseconds / 1e6;
  }

  __add__(other: unknown): unknown {
    if (other instanceof PyTimeDelta) return new PyTimeDelta(this.totalMicroseconds + other.totalMicroseconds);
    // A date or datetime adds a timedelta through its own __radd__.
    const reflected = (other as { __radd__?: (value: unknown) => unknown } | null)?.__radd__;
    if (typeof reflected === 'function' && !(other instanceof PyTimeDelta)) return reflected.call(other, this);
    throw new TypeError(`unsupported operand type(s) for +: 'datetime.timedelta' and '${typeof other}'`);
  }

  __sub__(other: unknown): PyTimeDelta {
    if (other instanceof PyTimeDelta) return new PyTimeDelta(this.totalMicroseconds - other.totalMicroseconds);
    throw new TypeError("unsupported operand type(s) for -: 'datetime.timedelta'");
  }

  __mul__(other: unknown): PyTimeDelta {
    const factor = plainValue(other);
    if (typeof factor !== 'number') throw new TypeError("unsupported operand type(s) for *: 'datetime.timedelta'");
    return new PyTimeDelta(roundHalfEven(this.totalMicroseconds * factor));
  }

  __rmul__(other: unknown): PyTimeDelta {
    return this.__mul__(other);
  }

  /** `delta / delta` is a float; `delta / n` a timedelta. */
  __truediv__(other: unknown): PyTimeDelta | number {
    if (other instanceof PyTimeDelta) {
      if (other.totalMicroseconds === 0) throw new Error('division by zero');
      return this.totalMicroseconds / other.totalMicroseconds;
    }
    const divisor = Number(plainValue(other));
    if (divisor === 0) throw new Error('division by zero');
    return new PyTimeDelta(roundHalfEven(this.totalMicroseconds / divisor));
  }

  __floordiv__(other: unknown): PyTimeDelta | number {
    if (other instanceof PyTimeDelta) {
      if (other.totalMicroseconds === 0) throw new Error('integer division or modulo by zero');
      return Math.floor(this.totalMicroseconds / other.totalMicroseconds);
    }
    const divisor = Number(plainValue(other));
    if (divisor === 0) throw new Error('integer division or modulo by zero');
    return new PyTimeDelta(Math.floor(this.totalMicroseconds / divisor));
  }

  __neg__(): PyTimeDelta {
    return new PyTimeDelta(-this.totalMicroseconds);
  }

  __abs__(): PyTimeDelta {
    return new PyTimeDelta(Math.abs(this.totalMicroseconds));
  }

  __bool__(): boolean {
    return this.totalMicroseconds !== 0;
  }

  __eq__(other: unknown): boolean {
    return other instanceof PyTimeDelta && other.totalMicroseconds === this.totalMicroseconds;
  }

  valueOf(): number {
    return this.totalMicroseconds;
  }

  toString(): string {
    const seconds = this.seconds;
    const time = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return this.days === 0 ? time : `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${time}`;
  }

  __repr__(): string {
    const parts = [
      ['days', this.days],
      ['seconds', this.seconds],
      ['microseconds', this.microseconds],
    ].filter(([, value]) => value !== 0);
    return `datetime.timedelta(${parts.length === 0 ? '0' : parts.map(([name, value]) => `${name}=${value}`).join(', ')})`;
  }
}
