/**
 * `modules.datetime` as dbt templates use it: `datetime.now()`, `date(y, m, d)`,
 * `timedelta(days=1)`, `strftime`, `strptime`, `isoformat`, date arithmetic (`d + delta`,
 * `d2 - d1`) and comparison. Times are kept in UTC; `now()` is the wall clock in UTC (dbt
 * runs usually have TZ=UTC; see docs/dbt-differences.md).
 */
import { splitArgs } from './keyword-args.js';
import { plainValue } from './python-values.js';

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export class PyTimeDelta {
  /** The whole span in microseconds (Python's timedelta resolution). */
  constructor(readonly totalMicroseconds: number) {}

  static fromArgs(args: unknown[]): PyTimeDelta {
    const { positional, kwargs: keywords } = splitArgs(args);
    const names = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];
    const value = (name: string) => Number(keywords[name] ?? positional[names.indexOf(name)] ?? 0);
    const micro =
      value('days') * 86_400e6 + value('seconds') * 1e6 + value('microseconds') + value('milliseconds') * 1e3 + value('minutes') * 60e6 + value('hours') * 3_600e6 + value('weeks') * 604_800e6;
    return new PyTimeDelta(Math.round(micro));
  }

  get days(): number {
    return Math.floor(this.totalMicroseconds / 86_400e6);
  }

  get seconds(): number {
    return Math.floor((this.totalMicroseconds - this.days * 86_400e6) / 1e6);
  }

  get microseconds(): number {
    return this.totalMicroseconds - this.days * 86_400e6 - this.seconds * 1e6;
  }

  total_seconds(): number {
    return this.totalMicroseconds / 1e6;
  }

  __add__(other: unknown): unknown {
    if (other instanceof PyTimeDelta) return new PyTimeDelta(this.totalMicroseconds + other.totalMicroseconds);
    if (other instanceof PyDate) return other.__add__(this);
    throw new Error('unsupported operand for +: timedelta');
  }

  __sub__(other: unknown): PyTimeDelta {
    if (other instanceof PyTimeDelta) return new PyTimeDelta(this.totalMicroseconds - other.totalMicroseconds);
    throw new Error('unsupported operand for -: timedelta');
  }

  valueOf(): number {
    return this.totalMicroseconds;
  }

  toString(): string {
    const seconds = this.seconds;
    const time = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return this.days === 0 ? time : `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${time}`;
  }
}

/** A calendar date (Python's `datetime.date`). */
export class PyDate {
  /** Milliseconds since the epoch, UTC, at the start of the day (or at the instant, for datetimes). */
  constructor(
    readonly epochMs: number,
    readonly micro = 0,
  ) {}

  protected get utc(): Date {
    return new Date(this.epochMs);
  }

  get year(): number {
    return this.utc.getUTCFullYear();
  }

  get month(): number {
    return this.utc.getUTCMonth() + 1;
  }

  get day(): number {
    return this.utc.getUTCDate();
  }

  weekday(): number {
    return (this.utc.getUTCDay() + 6) % 7;
  }

  isoweekday(): number {
    return this.weekday() + 1;
  }

  protected make(epochMs: number, _micro: number): PyDate {
    return new PyDate(Math.floor(epochMs / DAY_MS) * DAY_MS);
  }

  replace(...args: unknown[]): PyDate {
    const { kwargs: keywords } = splitArgs(args);
    const d = this.utc;
    const next = Date.UTC(Number(keywords.year ?? d.getUTCFullYear()), Number(keywords.month ?? d.getUTCMonth() + 1) - 1, Number(keywords.day ?? d.getUTCDate()), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
    return this.make(next, this.micro);
  }

  __add__(other: unknown): PyDate {
    if (!(other instanceof PyTimeDelta)) throw new Error('unsupported operand for +: date');
    const micro = this.micro + (other.totalMicroseconds % 1000);
    return this.make(this.epochMs + Math.floor(other.totalMicroseconds / 1000) + Math.floor(micro / 1000), ((micro % 1000) + 1000) % 1000);
  }

  __radd__(other: unknown): PyDate {
    return this.__add__(other);
  }

  __sub__(other: unknown): PyDate | PyTimeDelta {
    if (other instanceof PyTimeDelta) return this.__add__(new PyTimeDelta(-other.totalMicroseconds));
    if (other instanceof PyDate) return new PyTimeDelta((this.epochMs - other.epochMs) * 1000 + (this.micro - other.micro));
    throw new Error('unsupported operand for -: date');
  }

  strftime(format: unknown): string {
    const d = this.utc;
    const hours = d.getUTCHours();
    const parts: Record<string, string> = {
      Y: String(d.getUTCFullYear()),
      y: pad(d.getUTCFullYear() % 100),
      m: pad(d.getUTCMonth() + 1),
      d: pad(d.getUTCDate()),
      H: pad(hours),
      I: pad(hours % 12 === 0 ? 12 : hours % 12),
      p: hours < 12 ? 'AM' : 'PM',
      M: pad(d.getUTCMinutes()),
      S: pad(d.getUTCSeconds()),
      f: pad(d.getUTCMilliseconds() * 1000 + this.micro, 6),
      j: pad(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1, 3),
      a: WEEKDAYS[this.weekday()].slice(0, 3),
      A: WEEKDAYS[this.weekday()],
      b: MONTHS[d.getUTCMonth()].slice(0, 3),
      B: MONTHS[d.getUTCMonth()],
      w: String(d.getUTCDay()),
      z: this instanceof PyDateTime && this.tzinfo ? '+0000' : '',
      Z: this instanceof PyDateTime && this.tzinfo ? 'UTC' : '',
      '%': '%',
    };
    return String(plainValue(format)).replace(/%([a-zA-Z%])/g, (match, key: string) => parts[key] ?? match);
  }

  isoformat(): string {
    return this.strftime('%Y-%m-%d');
  }

  valueOf(): number {
    return this.epochMs * 1000 + this.micro;
  }

  toString(): string {
    return this.isoformat();
  }
}

/** A date and time (Python's `datetime.datetime`), naive unless made with a time zone (UTC only). */
export class PyDateTime extends PyDate {
  constructor(
    epochMs: number,
    micro = 0,
    readonly tzinfo: { zone: string } | null = null,
  ) {
    super(epochMs, micro);
  }

  get hour(): number {
    return this.utc.getUTCHours();
  }

  get minute(): number {
    return this.utc.getUTCMinutes();
  }

  get second(): number {
    return this.utc.getUTCSeconds();
  }

  get microsecond(): number {
    return this.utc.getUTCMilliseconds() * 1000 + this.micro;
  }

  protected override make(epochMs: number, micro: number): PyDateTime {
    return new PyDateTime(epochMs, micro, this.tzinfo);
  }

  override replace(...args: unknown[]): PyDateTime {
    const { kwargs: keywords } = splitArgs(args);
    const d = this.utc;
    const microsecond = Number(keywords.microsecond ?? this.microsecond);
    const next = Date.UTC(
      Number(keywords.year ?? d.getUTCFullYear()),
      Number(keywords.month ?? d.getUTCMonth() + 1) - 1,
      Number(keywords.day ?? d.getUTCDate()),
      Number(keywords.hour ?? d.getUTCHours()),
      Number(keywords.minute ?? d.getUTCMinutes()),
      Number(keywords.second ?? d.getUTCSeconds()),
      Math.floor(microsecond / 1000),
    );
    const tz = 'tzinfo' in keywords ? ((keywords.tzinfo as { zone: string } | null) ?? null) : this.tzinfo;
    return new PyDateTime(next, microsecond % 1000, tz);
  }

  date(): PyDate {
    return new PyDate(Math.floor(this.epochMs / DAY_MS) * DAY_MS);
  }

  timestamp(): number {
    return this.epochMs / 1000 + this.micro / 1e6;
  }

  astimezone(): PyDateTime {
    return new PyDateTime(this.epochMs, this.micro, UTC);
  }

  override isoformat(separator: unknown = 'T'): string {
    const fraction = this.microsecond ? `.${pad(this.microsecond, 6)}` : '';
    return `${this.strftime(`%Y-%m-%d${String(plainValue(separator))}%H:%M:%S`)}${fraction}${this.tzinfo ? '+00:00' : ''}`;
  }

  override toString(): string {
    return this.isoformat(' ');
  }
}

export const UTC = { zone: 'UTC', utcoffset: () => new PyTimeDelta(0), tzname: () => 'UTC', toString: () => 'UTC' };

const DIRECTIVES: Record<string, string> = {
  Y: '(\\d{4})',
  m: '(\\d{1,2})',
  d: '(\\d{1,2})',
  H: '(\\d{1,2})',
  M: '(\\d{1,2})',
  S: '(\\d{1,2})',
  f: '(\\d{1,6})',
  y: '(\\d{2})',
  j: '(\\d{1,3})',
  z: '([+-]\\d{2}:?\\d{2}|Z)',
  '%': '%',
};

/** `datetime.strptime(text, format)` for the numeric directives (%Y %m %d %H %M %S %f %y %j %z). */
function strptime(text: unknown, format: unknown): PyDateTime {
  const order: string[] = [];
  const source = String(plainValue(format)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%([a-zA-Z%])/g, (_match, key: string) => {
    if (!(key in DIRECTIVES)) throw new Error(`strptime: the directive %${key} is not supported`);
    if (key !== '%') order.push(key);
    return DIRECTIVES[key];
  });
  const match = new RegExp(`^${source}$`).exec(String(plainValue(text)));
  if (!match) throw new Error(`time data '${String(text)}' does not match format '${String(format)}'`);
  const part: Record<string, string> = {};
  order.forEach((key, index) => (part[key] = match[index + 1]));
  const year = part.Y ? Number(part.Y) : part.y ? 2000 + Number(part.y) - (Number(part.y) >= 69 ? 100 : 0) : 1900;
  const micro = part.f ? Number(part.f.padEnd(6, '0')) : 0;
  let epoch = Date.UTC(year, part.m ? Number(part.m) - 1 : 0, part.d ? Number(part.d) : 1, Number(part.H ?? 0), Number(part.M ?? 0), Number(part.S ?? 0), Math.floor(micro / 1000));
  if (part.j) epoch = Date.UTC(year, 0, Number(part.j), Number(part.H ?? 0), Number(part.M ?? 0), Number(part.S ?? 0));
  let tz: typeof UTC | null = null;
  if (part.z) {
    tz = UTC;
    if (part.z !== 'Z') {
      const sign = part.z.startsWith('-') ? -1 : 1;
      const digits = part.z.replace(/[^\d]/g, '');
      epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
    }
  }
  return new PyDateTime(epoch, micro % 1000, tz);
}

function fromIso(text: unknown): PyDateTime {
  const value = String(plainValue(text));
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!match) throw new Error(`Invalid isoformat string: '${value}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const micro = Number(fraction.padEnd(6, '0'));
  let epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(micro / 1000));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.replace(/[^\d]/g, '');
    epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return new PyDateTime(epoch, micro % 1000, zone ? UTC : null);
}

function now(...args: unknown[]): PyDateTime {
  const { positional, kwargs: keywords } = splitArgs(args);
  const tz = (keywords.tz ?? positional[0] ?? null) as typeof UTC | null;
  return new PyDateTime(Date.now(), 0, tz);
}

function makeDateTime(...args: unknown[]): PyDateTime {
  const { positional, kwargs: keywords } = splitArgs(args);
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
  const value = (name: string, fallback: number) => Number(keywords[name] ?? positional[names.indexOf(name)] ?? fallback);
  const microsecond = value('microsecond', 0);
  const epoch = Date.UTC(value('year', 1), value('month', 1) - 1, value('day', 1), value('hour', 0), value('minute', 0), value('second', 0), Math.floor(microsecond / 1000));
  const tz = (keywords.tzinfo ?? positional[7] ?? null) as typeof UTC | null;
  return new PyDateTime(epoch, microsecond % 1000, tz);
}

function makeDate(...args: unknown[]): PyDate {
  const { positional, kwargs: keywords } = splitArgs(args);
  return new PyDate(Date.UTC(Number(keywords.year ?? positional[0]), Number(keywords.month ?? positional[1]) - 1, Number(keywords.day ?? positional[2])));
}

const today = () => new PyDate(Math.floor(Date.now() / DAY_MS) * DAY_MS);

export const DATETIME_MODULE = {
  datetime: Object.assign(makeDateTime, {
    now,
    utcnow: () => new PyDateTime(Date.now()),
    today: () => new PyDateTime(Date.now()),
    strptime,
    fromisoformat: fromIso,
    fromtimestamp: (seconds: number, tz: typeof UTC | null = null) => new PyDateTime(Number(seconds) * 1000, 0, tz),
    combine: (date: PyDate, time: PyDateTime | null) => new PyDateTime(date.epochMs + (time ? time.epochMs % DAY_MS : 0)),
  }),
  date: Object.assign(makeDate, { today, fromisoformat: (text: unknown) => fromIso(text).date() }),
  timedelta: (...args: unknown[]) => PyTimeDelta.fromArgs(args),
  timezone: { utc: UTC },
};
