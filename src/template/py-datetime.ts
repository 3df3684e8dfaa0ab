/**
 * `modules.datetime` as dbt templates use it: `date`, `datetime`, `time`, `timedelta` and
 * `timezone`, with Python's str() and repr() (`2024-01-02`, `2024-01-02 03:04:05+00:00`,
 * `datetime.date(2024, 1, 2)`), arithmetic (`d + timedelta(days=1)`, `d2 - d1`, aware minus
 * aware across zones), comparison, `strftime`/`strptime`, `isoformat`/`fromisoformat`,
 * `replace`, `astimezone` and `timestamp`. A datetime keeps its wall-clock time and its
 * tzinfo, as Python's does. The machine's local time zone, where Python would use it (a
 * naive `timestamp()`, `now()` without a zone), is UTC (see docs/dbt-differences.md).
 */
import { splitArgs } from './keyword-args.js';
import { isoCalendar, strftime, strptime, weekdayOf, type TimeFields } from './py-strftime.js';
import { PyTimeDelta } from './py-timedelta.js';
import { FixedOffset, makeTimezone, offsetText, TIMEZONE_UTC, TzInfo, type WallTime } from './py-tzinfo.js';
import { plainValue } from './python-values.js';

export { PyTimeDelta };

const DAY_MS = 86_400_000;
/** The day before 0001-01-01, which is day 1 of Python's proleptic Gregorian ordinals. */
const ORDINAL_EPOCH_MS = utcMs(1, 1, 1) - DAY_MS;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `Date.UTC` for any year (Date.UTC reads 0-99 as 1900-1999). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

function checkRange(name: string, value: number, low: number, high: number): number {
  if (!Number.isInteger(value) || value < low || value > high) throw new Error(`ValueError: ${name} must be in ${low}..${high}`);
  return value;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

function checkDate(year: number, month: number, day: number): void {
  checkRange('year', year, 1, 9999);
  checkRange('month', month, 1, 12);
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) throw new Error('ValueError: day is out of range for month');
}

function numberArg(value: unknown, fallback: number): number {
  return value === undefined || value === null ? fallback : Number(plainValue(value));
}

/** A calendar date (Python's `datetime.date`). */
export class PyDate {
  /** Milliseconds since the epoch of the date's midnight, read as UTC. */
  constructor(readonly epochMs: number) {}

  static of(year: number, month: number, day: number): PyDate {
    checkDate(year, month, day);
    return new PyDate(utcMs(year, month, day));
  }

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
    return weekdayOf(this.year, this.month, this.day);
  }

  isoweekday(): number {
    return this.weekday() + 1;
  }

  /** `(year, week, weekday)`, also readable as `.year`, `.week`, `.weekday`. */
  isocalendar(): number[] {
    const [year, week, weekday] = isoCalendar(this.year, this.month, this.day);
    return Object.assign([year, week, weekday], { year, week, weekday });
  }

  toordinal(): number {
    return Math.round((utcMs(this.year, this.month, this.day) - ORDINAL_EPOCH_MS) / DAY_MS);
  }

  protected fields(): TimeFields {
    return { year: this.year, month: this.month, day: this.day, hour: 0, minute: 0, second: 0, microsecond: 0, utcoffset: null, tzname: null };
  }

  strftime(format: unknown): string {
    return strftime(this.fields(), String(plainValue(format)));
  }

  __format__(spec: string): string {
    return spec ? this.strftime(spec) : String(this);
  }

  ctime(): string {
    return this.strftime('%a %b %e %H:%M:%S %Y');
  }

  replace(...args: unknown[]): PyDate {
    const { positional, kwargs } = splitArgs(args);
    return PyDate.of(numberArg(kwargs.year ?? positional[0], this.year), numberArg(kwargs.month ?? positional[1], this.month), numberArg(kwargs.day ?? positional[2], this.day));
  }

  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }

  /** date + timedelta: whole days only, as Python's. */
  __add__(other: unknown): PyDate {
    if (!(other instanceof PyTimeDelta)) throw new TypeError(`unsupported operand type(s) for +: 'datetime.date' and '${typeof other}'`);
    return new PyDate(this.epochMs + other.days * DAY_MS);
  }

  __radd__(other: unknown): PyDate {
    return this.__add__(other);
  }

  __sub__(other: unknown): PyDate | PyTimeDelta {
    if (other instanceof PyTimeDelta) return this.__add__(new PyTimeDelta(-other.totalMicroseconds));
    if (other instanceof PyDate && !(other instanceof PyDateTime)) return new PyTimeDelta((this.epochMs - other.epochMs) * 1000);
    throw new TypeError("unsupported operand type(s) for -: 'datetime.date'");
  }

  /** A date equals only a date (never a datetime), as in Python. */
  __eq__(other: unknown): boolean {
    return other instanceof PyDate && !(other instanceof PyDateTime) && other.epochMs === this.epochMs;
  }

  valueOf(): number {
    return this.epochMs * 1000;
  }

  toJSON(): string {
    return this.isoformat();
  }

  toString(): string {
    return this.isoformat();
  }

  __repr__(): string {
    return `datetime.date(${this.year}, ${this.month}, ${this.day})`;
  }
}

/** A date and time (Python's `datetime.datetime`): a wall-clock time, naive or with a tzinfo. */
export class PyDateTime extends PyDate implements WallTime {
  constructor(
    /** The wall-clock time, in milliseconds read as UTC. */
    readonly wallMs: number,
    /** Microseconds below the millisecond (0-999). */
    readonly micro = 0,
    readonly tzinfo: TzInfo | null = null,
  ) {
    super(wallMs);
  }

  /** A datetime at an instant (milliseconds and microseconds since the epoch), in `tz` or naive UTC. */
  static fromInstant(epochMs: number, micro: number, tz: TzInfo | null): PyDateTime {
    const utc = new PyDateTime(epochMs, micro, null);
    return tz ? (tz.fromutc(utc) as PyDateTime) : utc;
  }

  at(wallMs: number, tzinfo: TzInfo | null): PyDateTime {
    return new PyDateTime(wallMs, this.micro, tzinfo);
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

  get fold(): number {
    return 0;
  }

  /** The instant in microseconds since the epoch (an aware datetime), or the wall time read as UTC. */
  private get instantMicro(): number {
    return (this.wallMs - (this.tzinfo ? this.tzinfo.offsetSeconds * 1000 : 0)) * 1000 + this.micro;
  }

  protected override fields(): TimeFields {
    return {
      year: this.year,
      month: this.month,
      day: this.day,
      hour: this.hour,
      minute: this.minute,
      second: this.second,
      microsecond: this.microsecond,
      utcoffset: this.tzinfo ? this.tzinfo.offsetSeconds : null,
      tzname: this.tzinfo ? this.tzinfo.tzname(this) : null,
    };
  }

  override replace(...args: unknown[]): PyDateTime {
    const { positional, kwargs } = splitArgs(args);
    const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
    const given = (name: string) => (name in kwargs ? kwargs[name] : positional[names.indexOf(name)]);
    const tz = given('tzinfo') === undefined ? this.tzinfo : ((given('tzinfo') as TzInfo | null) ?? null);
    return makeDateTime(
      numberArg(given('year'), this.year),
      numberArg(given('month'), this.month),
      numberArg(given('day'), this.day),
      numberArg(given('hour'), this.hour),
      numberArg(given('minute'), this.minute),
      numberArg(given('second'), this.second),
      numberArg(given('microsecond'), this.microsecond),
      tz,
    );
  }

  date(): PyDate {
    return new PyDate(Math.floor(this.wallMs / DAY_MS) * DAY_MS);
  }

  time(): PyTime {
    return new PyTime(this.hour, this.minute, this.second, this.microsecond, null);
  }

  timetz(): PyTime {
    return new PyTime(this.hour, this.minute, this.second, this.microsecond, this.tzinfo);
  }

  utcoffset(): PyTimeDelta | null {
    return this.tzinfo ? this.tzinfo.utcoffset(this) : null;
  }

  tzname(): string | null {
    return this.tzinfo ? this.tzinfo.tzname(this) : null;
  }

  dst(): PyTimeDelta | null {
    return this.tzinfo ? this.tzinfo.dst(this) : null;
  }

  /** Seconds since the epoch; a naive datetime is read in local time, which is UTC here. */
  timestamp(): number {
    return this.instantMicro / 1e6;
  }

  /** The same instant in `tz` (or UTC, standing in for local time, when none is given). */
  astimezone(tz: unknown = null): PyDateTime {
    const target = tz instanceof TzInfo ? tz : TIMEZONE_UTC;
    const instant = this.instantMicro;
    const utc = new PyDateTime(Math.floor(instant / 1000), ((instant % 1000) + 1000) % 1000, null);
    return target.fromutc(utc) as PyDateTime;
  }

  /** `isoformat(sep='T', timespec='auto')`. */
  override isoformat(...args: unknown[]): string {
    const { positional, kwargs } = splitArgs(args);
    const sep = String(plainValue(kwargs.sep ?? positional[0] ?? 'T'));
    return `${super.isoformat()}${sep}${formatTime(this.hour, this.minute, this.second, this.microsecond, String(kwargs.timespec ?? positional[1] ?? 'auto'))}${this.tzinfo ? offsetText(this.tzinfo.offsetSeconds, ':') : ''}`;
  }

  override ctime(): string {
    return this.strftime('%a %b %e %H:%M:%S %Y');
  }

  override __add__(other: unknown): PyDateTime {
    if (!(other instanceof PyTimeDelta)) throw new TypeError(`unsupported operand type(s) for +: 'datetime.datetime' and '${typeof other}'`);
    const micro = this.micro + other.totalMicroseconds;
    return new PyDateTime(this.wallMs + Math.floor(micro / 1000), ((micro % 1000) + 1000) % 1000, this.tzinfo);
  }

  override __radd__(other: unknown): PyDateTime {
    return this.__add__(other);
  }

  override __sub__(other: unknown): PyDateTime | PyTimeDelta {
    if (other instanceof PyTimeDelta) return this.__add__(new PyTimeDelta(-other.totalMicroseconds));
    if (other instanceof PyDateTime) {
      if (!this.tzinfo !== !other.tzinfo) throw new TypeError("can't subtract offset-naive and offset-aware datetimes");
      return new PyTimeDelta(this.instantMicro - other.instantMicro);
    }
    throw new TypeError("unsupported operand type(s) for -: 'datetime.datetime'");
  }

  /** Aware datetimes are equal at the same instant; a naive one never equals an aware one. */
  override __eq__(other: unknown): boolean {
    if (!(other instanceof PyDateTime) || !this.tzinfo !== !other.tzinfo) return false;
    return this.instantMicro === other.instantMicro;
  }

  override valueOf(): number {
    return this.instantMicro;
  }

  override toJSON(): string {
    return this.isoformat();
  }

  override toString(): string {
    return this.isoformat(' ');
  }

  override __repr__(): string {
    const parts = [this.year, this.month, this.day, this.hour, this.minute, this.second, this.microsecond];
    if (parts[6] === 0) parts.pop();
    if (parts.length === 6 && parts[5] === 0) parts.pop();
    const tz = this.tzinfo ? `, tzinfo=${reprOf(this.tzinfo)}` : '';
    return `datetime.datetime(${parts.join(', ')}${tz})`;
  }
}

function reprOf(value: unknown): string {
  const repr = (value as { __repr__?: () => string }).__repr__;
  return typeof repr === 'function' ? repr.call(value) : String(value);
}

function formatTime(hour: number, minute: number, second: number, microsecond: number, timespec: string): string {
  switch (timespec) {
    case 'hours':
      return pad(hour);
    case 'minutes':
      return `${pad(hour)}:${pad(minute)}`;
    case 'seconds':
      return `${pad(hour)}:${pad(minute)}:${pad(second)}`;
    case 'milliseconds':
      return `${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(Math.floor(microsecond / 1000), 3)}`;
    case 'microseconds':
      return `${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(microsecond, 6)}`;
    default:
      return `${pad(hour)}:${pad(minute)}:${pad(second)}${microsecond ? `.${pad(microsecond, 6)}` : ''}`;
  }
}

/** A time of day (Python's `datetime.time`). */
export class PyTime {
  constructor(
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly microsecond: number,
    readonly tzinfo: TzInfo | null,
  ) {}

  isoformat(...args: unknown[]): string {
    const { positional, kwargs } = splitArgs(args);
    const timespec = String(plainValue(kwargs.timespec ?? positional[0] ?? 'auto'));
    return `${formatTime(this.hour, this.minute, this.second, this.microsecond, timespec)}${this.tzinfo ? offsetText(this.tzinfo.offsetSeconds, ':') : ''}`;
  }

  strftime(format: unknown): string {
    const fields: TimeFields = {
      year: 1900,
      month: 1,
      day: 1,
      hour: this.hour,
      minute: this.minute,
      second: this.second,
      microsecond: this.microsecond,
      utcoffset: this.tzinfo ? this.tzinfo.offsetSeconds : null,
      tzname: this.tzinfo ? this.tzinfo.tzname() : null,
    };
    return strftime(fields, String(plainValue(format)));
  }

  __format__(spec: string): string {
    return spec ? this.strftime(spec) : String(this);
  }

  replace(...args: unknown[]): PyTime {
    const { positional, kwargs } = splitArgs(args);
    const names = ['hour', 'minute', 'second', 'microsecond', 'tzinfo'];
    const given = (name: string) => (name in kwargs ? kwargs[name] : positional[names.indexOf(name)]);
    const tz = given('tzinfo') === undefined ? this.tzinfo : ((given('tzinfo') as TzInfo | null) ?? null);
    return makeTime(numberArg(given('hour'), this.hour), numberArg(given('minute'), this.minute), numberArg(given('second'), this.second), numberArg(given('microsecond'), this.microsecond), tz);
  }

  utcoffset(): PyTimeDelta | null {
    return this.tzinfo ? this.tzinfo.utcoffset() : null;
  }

  __eq__(other: unknown): boolean {
    return other instanceof PyTime && other.valueOf() === this.valueOf() && !other.tzinfo === !this.tzinfo;
  }

  valueOf(): number {
    return ((this.hour * 60 + this.minute) * 60 + this.second) * 1e6 + this.microsecond - (this.tzinfo ? this.tzinfo.offsetSeconds * 1e6 : 0);
  }

  toJSON(): string {
    return this.isoformat();
  }

  toString(): string {
    return this.isoformat();
  }

  __repr__(): string {
    const parts = [this.hour, this.minute, this.second, this.microsecond];
    if (parts[3] === 0) parts.pop();
    if (parts.length === 3 && parts[2] === 0) parts.pop();
    return `datetime.time(${parts.join(', ')}${this.tzinfo ? `, tzinfo=${reprOf(this.tzinfo)}` : ''})`;
  }
}

function makeTime(hour: number, minute: number, second: number, microsecond: number, tz: TzInfo | null): PyTime {
  return new PyTime(checkRange('hour', hour, 0, 23), checkRange('minute', minute, 0, 59), checkRange('second', second, 0, 59), checkRange('microsecond', microsecond, 0, 999_999), tz);
}

export function makeDateTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, microsecond = 0, tz: TzInfo | null = null): PyDateTime {
  checkDate(year, month, day);
  checkRange('hour', hour, 0, 23);
  checkRange('minute', minute, 0, 59);
  checkRange('second', second, 0, 59);
  checkRange('microsecond', microsecond, 0, 999_999);
  return new PyDateTime(utcMs(year, month, day, hour, minute, second, Math.floor(microsecond / 1000)), microsecond % 1000, tz);
}

function tzArg(value: unknown): TzInfo | null {
  if (value === undefined || value === null) return null;
  if (value instanceof TzInfo) return value;
  throw new TypeError(`tzinfo argument must be None or of a tzinfo subclass, not type '${typeof value}'`);
}

/** A datetime from what strptime or a query's text read (a fixed offset when one was given). */
function fromFields(fields: TimeFields): PyDateTime {
  const tz = fields.utcoffset === null ? null : fields.utcoffset === 0 ? TIMEZONE_UTC : new FixedOffset(fields.utcoffset);
  return makeDateTime(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second, fields.microsecond, tz);
}

const ISO_DATE = /^(\d{4})-?(\d{2})-?(\d{2})/;
const ISO_TIME = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?$/;

/** `datetime.fromisoformat(text)` (Python 3.11: `Z`, basic and extended forms, any separator). */
export function parseIsoDateTime(text: string): PyDateTime {
  const value = text.trim();
  const date = ISO_DATE.exec(value);
  if (!date) throw new Error(`ValueError: Invalid isoformat string: '${text}'`);
  const rest = value.slice(date[0].length);
  let hour = 0;
  let minute = 0;
  let second = 0;
  let microsecond = 0;
  let offset: number | null = null;
  if (rest.length > 0) {
    const time = ISO_TIME.exec(rest.slice(1));
    if (!time) throw new Error(`ValueError: Invalid isoformat string: '${text}'`);
    hour = Number(time[1]);
    minute = Number(time[2] ?? 0);
    second = Number(time[3] ?? 0);
    microsecond = time[4] ? Number(time[4].slice(0, 6).padEnd(6, '0')) : 0;
    if (time[5]) offset = time[5] === 'Z' ? 0 : parseOffset(time[5]);
  }
  const tz = offset === null ? null : offset === 0 ? TIMEZONE_UTC : new FixedOffset(offset);
  return makeDateTime(Number(date[1]), Number(date[2]), Number(date[3]), hour, minute, second, microsecond, tz);
}

function parseOffset(text: string): number {
  const [, sign, hh, mm = '0', ss = '0'] = /^([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?/.exec(text) ?? [];
  return (sign === '-' ? -1 : 1) * (Number(hh) * 3600 + Number(mm) * 60 + Number(ss));
}

/** `time.fromisoformat` and the text Postgres prints for `time` / `timetz`. */
export function parseIsoTime(text: string): PyTime {
  const time = ISO_TIME.exec(text.trim());
  if (!time) throw new Error(`ValueError: Invalid isoformat string: '${text}'`);
  const offset = time[5] ? (time[5] === 'Z' ? 0 : parseOffset(time[5])) : null;
  const tz = offset === null ? null : offset === 0 ? TIMEZONE_UTC : new FixedOffset(offset);
  return makeTime(Number(time[1]), Number(time[2] ?? 0), Number(time[3] ?? 0), time[4] ? Number(time[4].slice(0, 6).padEnd(6, '0')) : 0, tz);
}

function nowMicro(): [number, number] {
  const ms = Date.now();
  // Sub-millisecond digits from the high-resolution clock, so values differ within a millisecond as Python's do.
  const micro = Math.floor((performance.now() % 1) * 1000);
  return [ms, micro];
}

function datetimeConstructor(...args: unknown[]): PyDateTime {
  const { positional, kwargs } = splitArgs(args);
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
  const given = (name: string) => (name in kwargs ? kwargs[name] : positional[names.indexOf(name)]);
  for (const name of ['year', 'month', 'day']) if (given(name) === undefined) throw new TypeError(`function missing required argument '${name}'`);
  return makeDateTime(
    Number(plainValue(given('year'))),
    Number(plainValue(given('month'))),
    Number(plainValue(given('day'))),
    numberArg(given('hour'), 0),
    numberArg(given('minute'), 0),
    numberArg(given('second'), 0),
    numberArg(given('microsecond'), 0),
    tzArg(given('tzinfo')),
  );
}

function dateConstructor(...args: unknown[]): PyDate {
  const { positional, kwargs } = splitArgs(args);
  return PyDate.of(Number(plainValue(kwargs.year ?? positional[0])), Number(plainValue(kwargs.month ?? positional[1])), Number(plainValue(kwargs.day ?? positional[2])));
}

function timeConstructor(...args: unknown[]): PyTime {
  const { positional, kwargs } = splitArgs(args);
  const names = ['hour', 'minute', 'second', 'microsecond', 'tzinfo'];
  const given = (name: string) => (name in kwargs ? kwargs[name] : positional[names.indexOf(name)]);
  return makeTime(numberArg(given('hour'), 0), numberArg(given('minute'), 0), numberArg(given('second'), 0), numberArg(given('microsecond'), 0), tzArg(given('tzinfo')));
}

function fromTimestamp(seconds: unknown, tz: unknown = null): PyDateTime {
  const micro = Math.round(Number(plainValue(seconds)) * 1e6);
  return PyDateTime.fromInstant(Math.floor(micro / 1000), ((micro % 1000) + 1000) % 1000, tzArg(tz));
}

function today(): PyDate {
  return new PyDate(Math.floor(Date.now() / DAY_MS) * DAY_MS);
}

function fromOrdinal(ordinal: unknown): PyDate {
  return new PyDate(ORDINAL_EPOCH_MS + Number(plainValue(ordinal)) * DAY_MS);
}

export const DATETIME_MODULE = {
  MINYEAR: 1,
  MAXYEAR: 9999,
  datetime: Object.assign(datetimeConstructor, {
    now: (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      const [ms, micro] = nowMicro();
      return PyDateTime.fromInstant(ms, micro, tzArg(kwargs.tz ?? positional[0]));
    },
    utcnow: () => {
      const [ms, micro] = nowMicro();
      return new PyDateTime(ms, micro, null);
    },
    today: () => {
      const [ms, micro] = nowMicro();
      return new PyDateTime(ms, micro, null);
    },
    strptime: (text: unknown, format: unknown) => fromFields(strptime(String(plainValue(text)), String(plainValue(format)))),
    fromisoformat: (text: unknown) => parseIsoDateTime(String(plainValue(text))),
    fromtimestamp: (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      return fromTimestamp(positional[0], kwargs.tz ?? positional[1]);
    },
    utcfromtimestamp: (seconds: unknown) => fromTimestamp(seconds),
    fromordinal: (ordinal: unknown) => {
      const date = fromOrdinal(ordinal);
      return new PyDateTime(date.epochMs, 0, null);
    },
    combine: (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      const [date, time] = [kwargs.date ?? positional[0], kwargs.time ?? positional[1]] as [PyDate, PyTime];
      const tz = 'tzinfo' in kwargs ? tzArg(kwargs.tzinfo) : positional.length > 2 ? tzArg(positional[2]) : time.tzinfo;
      return makeDateTime(date.year, date.month, date.day, time.hour, time.minute, time.second, time.microsecond, tz);
    },
  }),
  date: Object.assign(dateConstructor, {
    today,
    fromisoformat: (text: unknown) => {
      const value = String(plainValue(text));
      if (!/^\d{4}-?\d{2}-?\d{2}$/.test(value.trim())) throw new Error(`ValueError: Invalid isoformat string: '${value}'`);
      return parseIsoDateTime(value).date();
    },
    fromordinal: fromOrdinal,
    fromtimestamp: (seconds: unknown) => fromTimestamp(seconds).date(),
  }),
  time: Object.assign(timeConstructor, { fromisoformat: (text: unknown) => parseIsoTime(String(plainValue(text))) }),
  timedelta: (...args: unknown[]) => PyTimeDelta.fromArgs(args),
  timezone: Object.assign(makeTimezone, { utc: TIMEZONE_UTC }),
};
