/**
 * `strftime` and `strptime` as Python (on glibc, as dbt runs) reads their formats: every C89
 * directive, the ISO week ones (%G %V %u), glibc's `%-d` (no padding), %e, %F, %T, %D, %R
 * and %s, in the C locale.
 */
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_MS = 86_400_000;

/** The parts of a date, time or datetime that a format reads. */
export interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Seconds east of UTC, or null for a naive value. */
  utcoffset: number | null;
  tzname: string | null;
}

function pad(value: number, width: number, fill = '0'): string {
  const text = String(Math.abs(value)).padStart(width, fill);
  return value < 0 ? `-${text}` : text;
}

function dayOfYear(fields: TimeFields): number {
  return Math.round((Date.UTC(fields.year, fields.month - 1, fields.day) - Date.UTC(fields.year, 0, 1)) / DAY_MS) + 1;
}

/** Monday = 0, as Python's weekday(). */
export function weekdayOf(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return (date.getUTCDay() + 6) % 7;
}

/** ISO 8601 year, week and weekday (Monday = 1), as date.isocalendar(). */
export function isoCalendar(year: number, month: number, day: number): [number, number, number] {
  const weekday = weekdayOf(year, month, day) + 1;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day + 4 - weekday);
  const isoYear = date.getUTCFullYear();
  const start = new Date(0);
  start.setUTCFullYear(isoYear, 0, 1);
  const week = Math.floor((date.getTime() - start.getTime()) / DAY_MS / 7) + 1;
  return [isoYear, week, weekday];
}

function offsetDirective(seconds: number | null, colon: boolean): string {
  if (seconds === null) return '';
  const sign = seconds < 0 ? '-' : '+';
  const total = Math.abs(seconds);
  const separator = colon ? ':' : '';
  const rest = total % 60 ? `${separator}${pad(total % 60, 2)}` : '';
  return `${sign}${pad(Math.floor(total / 3600), 2)}${separator}${pad(Math.floor(total / 60) % 60, 2)}${rest}`;
}

/** `value.strftime(format)`. */
export function strftime(fields: TimeFields, format: string): string {
  const weekday = weekdayOf(fields.year, fields.month, fields.day);
  const sundayFirst = (weekday + 1) % 7;
  const yday = dayOfYear(fields);
  const hour12 = fields.hour % 12 === 0 ? 12 : fields.hour % 12;
  const iso = () => isoCalendar(fields.year, fields.month, fields.day);
  const directives: Record<string, () => [number | string, number]> = {
    a: () => [WEEKDAYS[weekday].slice(0, 3), 0],
    A: () => [WEEKDAYS[weekday], 0],
    w: () => [sundayFirst, 1],
    u: () => [weekday + 1, 1],
    d: () => [fields.day, 2],
    e: () => [String(fields.day).padStart(2, ' '), 0],
    b: () => [MONTHS[fields.month - 1].slice(0, 3), 0],
    h: () => [MONTHS[fields.month - 1].slice(0, 3), 0],
    B: () => [MONTHS[fields.month - 1], 0],
    m: () => [fields.month, 2],
    y: () => [fields.year % 100, 2],
    Y: () => [fields.year, 4],
    C: () => [Math.floor(fields.year / 100), 2],
    G: () => [iso()[0], 4],
    V: () => [iso()[1], 2],
    H: () => [fields.hour, 2],
    I: () => [hour12, 2],
    p: () => [fields.hour < 12 ? 'AM' : 'PM', 0],
    M: () => [fields.minute, 2],
    S: () => [fields.second, 2],
    f: () => [fields.microsecond, 6],
    j: () => [yday, 3],
    U: () => [Math.floor((yday - 1 - sundayFirst + 7) / 7), 2],
    W: () => [Math.floor((yday - 1 - weekday + 7) / 7), 2],
    z: () => [offsetDirective(fields.utcoffset, false), 0],
    Z: () => [fields.tzname ?? '', 0],
    s: () => [Math.floor((Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second) - (fields.utcoffset ?? 0) * 1000) / 1000), 0],
    n: () => ['\n', 0],
    t: () => ['\t', 0],
    '%': () => ['%', 0],
  };
  const composite: Record<string, string> = { c: '%a %b %e %H:%M:%S %Y', x: '%m/%d/%y', X: '%H:%M:%S', D: '%m/%d/%y', F: '%Y-%m-%d', T: '%H:%M:%S', R: '%H:%M', r: '%I:%M:%S %p' };
  return format.replace(/%([-_0^#]?)([a-zA-Z%])/g, (match, flag: string, key: string) => {
    if (composite[key]) return strftime(fields, composite[key]);
    const directive = directives[key];
    if (!directive) return match;
    const [value, width] = directive();
    if (typeof value === 'string') return flag === '^' ? value.toUpperCase() : value;
    if (flag === '-') return String(value);
    return pad(value, width, flag === '_' ? ' ' : '0');
  });
}

const PARSERS: Record<string, string> = {
  Y: '(\\d{4})',
  y: '(\\d{2})',
  m: '(\\d{1,2})',
  d: '(\\d{1,2})',
  e: '\\s?(\\d{1,2})',
  H: '(\\d{1,2})',
  I: '(\\d{1,2})',
  M: '(\\d{1,2})',
  S: '(\\d{1,2})',
  f: '(\\d{1,6})',
  j: '(\\d{1,3})',
  p: '(AM|PM|am|pm)',
  b: `(${MONTHS.map((name) => name.slice(0, 3)).join('|')})`,
  B: `(${MONTHS.join('|')})`,
  a: `(${WEEKDAYS.map((name) => name.slice(0, 3)).join('|')})`,
  A: `(${WEEKDAYS.join('|')})`,
  z: '(Z|[+-]\\d{2}:?\\d{2}(?::?\\d{2}(?:\\.\\d{1,6})?)?)',
  Z: '(UTC|GMT|[A-Z]{3,5})',
};

/** What `strptime(text, format)` read: the fields, and the offset when %z gave one. */
export function strptime(text: string, format: string): TimeFields {
  const order: string[] = [];
  const expanded = format.replace(/%([FTDR])/g, (_match, key: string) => ({ F: '%Y-%m-%d', T: '%H:%M:%S', D: '%m/%d/%y', R: '%H:%M' })[key] ?? '');
  const source = expanded
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+')
    .replace(/%(-?)([a-zA-Z%])/g, (_match, _flag: string, key: string) => {
      if (key === '%') return '%';
      const pattern = PARSERS[key];
      if (!pattern) throw new Error(`strptime: the directive %${key} is not supported`);
      order.push(key);
      return pattern;
    });
  const match = new RegExp(`^${source}$`, 'i').exec(text);
  if (!match) throw new Error(`ValueError: time data '${text}' does not match format '${format}'`);
  const part: Record<string, string> = {};
  order.forEach((key, index) => (part[key] = match[index + 1]));
  const index = (names: string[], value: string) => names.findIndex((name) => name.toLowerCase().startsWith(value.toLowerCase()));
  let year = part.Y ? Number(part.Y) : part.y ? Number(part.y) + (Number(part.y) < 69 ? 2000 : 1900) : 1900;
  let month = part.m ? Number(part.m) : part.B ? index(MONTHS, part.B) + 1 : part.b ? index(MONTHS, part.b) + 1 : 1;
  let day = Number(part.d ?? part.e ?? 1);
  if (part.j) {
    const date = new Date(Date.UTC(year, 0, Number(part.j)));
    [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  }
  let hour = Number(part.H ?? part.I ?? 0);
  if (part.p) hour = (hour % 12) + (part.p.toUpperCase() === 'PM' ? 12 : 0);
  let utcoffset: number | null = null;
  if (part.z) {
    if (part.z.toUpperCase() === 'Z') utcoffset = 0;
    else {
      const [, sign, hh, mm, ss = '0'] = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?/.exec(part.z) ?? [];
      utcoffset = (sign === '-' ? -1 : 1) * (Number(hh) * 3600 + Number(mm) * 60 + Number(ss));
    }
  }
  return {
    year,
    month,
    day,
    hour,
    minute: Number(part.M ?? 0),
    second: Number(part.S ?? 0),
    microsecond: part.f ? Number(part.f.padEnd(6, '0')) : 0,
    utcoffset,
    tzname: part.Z ?? null,
  };
}
