/**
 * Python's time zone objects, as dbt templates meet them: `datetime.timezone` (a fixed
 * offset; `timezone.utc`), and pytz's (`pytz.utc`, `pytz.timezone(name)`). Every one of them
 * stands for one fixed offset: pytz gives each offset a zone has its own object, which
 * `localize`, `normalize` and `fromutc` (so `astimezone`) pick by the date, while a zone used
 * directly as `tzinfo=` keeps its first offset, local mean time (pytz's well-known trap,
 * reproduced because dbt's Python has it).
 */
import { PyTimeDelta } from './py-timedelta.js';
import { canonicalZone, isLocalMeanTime, zoneAbbreviation, zoneOffsetSeconds } from './py-timezones.js';
import { splitArgs } from './keyword-args.js';

/** What the time zones need of a datetime (py-datetime.ts's PyDateTime). */
export interface WallTime {
  /** The wall-clock time in milliseconds, read as if it were UTC. */
  readonly wallMs: number;
  readonly tzinfo: TzInfo | null;
  /** The same datetime (microseconds kept) at another wall time and zone. */
  at(wallMs: number, tzinfo: TzInfo | null): WallTime;
  toString(): string;
}

const DAY_MS = 86_400_000;
/** 1800-01-01: before any zone kept standard time, so a zone's offset here is its first one. */
const EARLIEST_MS = -5_364_662_400_000;

function formatOffset(seconds: number, separator = ':'): string {
  const sign = seconds < 0 ? '-' : '+';
  const total = Math.abs(seconds);
  const hours = String(Math.floor(total / 3600)).padStart(2, '0');
  const minutes = String(Math.floor(total / 60) % 60).padStart(2, '0');
  const rest = total % 60 ? `${separator}${String(total % 60).padStart(2, '0')}` : '';
  return `${sign}${hours}${separator}${minutes}${rest}`;
}

/** `+05:30` (isoformat, str) or `+0530` (strftime's %z). */
export function offsetText(seconds: number, separator: ':' | ''): string {
  return formatOffset(seconds, separator);
}

export abstract class TzInfo {
  abstract readonly offsetSeconds: number;
  abstract tzname(dt?: unknown): string;

  utcoffset(_dt?: unknown): PyTimeDelta {
    return new PyTimeDelta(this.offsetSeconds * 1e6);
  }

  dst(_dt?: unknown): PyTimeDelta | null {
    return new PyTimeDelta(0);
  }

  /** `tz.fromutc(dt)`: `dt`'s wall time is UTC; the same instant in this zone. */
  fromutc(dt: WallTime): WallTime {
    return dt.at(dt.wallMs + this.offsetSeconds * 1000, this);
  }

  __eq__(other: unknown): boolean {
    return other instanceof TzInfo && other.constructor === this.constructor && other.offsetSeconds === this.offsetSeconds && String(other) === String(this);
  }
}

/** `datetime.timezone(offset, name=None)`. */
export class FixedOffset extends TzInfo {
  constructor(
    readonly offsetSeconds: number,
    private readonly name: string | null = null,
  ) {
    super();
  }

  tzname(): string {
    if (this.name !== null) return this.name;
    return this.offsetSeconds === 0 ? 'UTC' : `UTC${formatOffset(this.offsetSeconds)}`;
  }

  override toString(): string {
    return this.tzname();
  }

  __repr__(): string {
    if (this.offsetSeconds === 0 && this.name === null) return 'datetime.timezone.utc';
    const delta = new PyTimeDelta(this.offsetSeconds * 1e6).__repr__();
    return `datetime.timezone(${delta}${this.name === null ? '' : `, '${this.name}'`})`;
  }
}

export const TIMEZONE_UTC = new FixedOffset(0);

/** `datetime.timezone(timedelta(hours=2))` from a template. */
export function makeTimezone(...args: unknown[]): FixedOffset {
  const { positional, kwargs } = splitArgs(args);
  const offset = kwargs.offset ?? positional[0];
  const name = kwargs.name ?? positional[1] ?? null;
  if (!(offset instanceof PyTimeDelta)) throw new TypeError('timezone() argument 1 must be datetime.timedelta');
  const seconds = offset.totalMicroseconds / 1e6;
  return seconds === 0 && name === null ? TIMEZONE_UTC : new FixedOffset(seconds, name === null ? null : String(name));
}

function naiveOnly(dt: WallTime): void {
  if (dt.tzinfo) throw new Error('ValueError: Not naive datetime (tzinfo is already set)');
}

/** `pytz.utc` (also `pytz.UTC`, and what `pytz.timezone('UTC')` returns). */
export class PytzUtc extends TzInfo {
  readonly offsetSeconds = 0;
  readonly zone = 'UTC';

  tzname(): string {
    return 'UTC';
  }

  localize(dt: WallTime): WallTime {
    naiveOnly(dt);
    return dt.at(dt.wallMs, this);
  }

  normalize(dt: WallTime): WallTime {
    if (!dt.tzinfo) throw new Error('ValueError: Naive time - no tzinfo set');
    return this.fromutc(dt.at(dt.wallMs - dt.tzinfo.offsetSeconds * 1000, null));
  }

  override toString(): string {
    return 'UTC';
  }

  __repr__(): string {
    return '<UTC>';
  }
}

export const PYTZ_UTC = new PytzUtc();

/** The timedelta str() of an offset, as pytz's repr shows it (`-1 day, 19:00:00`). */
function offsetAsDelta(seconds: number): string {
  return String(new PyTimeDelta(seconds * 1e6));
}

/** One of a pytz zone's offsets (`<DstTzInfo 'America/New_York' EST-1 day, 19:00:00 STD>`). */
export class PytzZone extends TzInfo {
  constructor(
    readonly zone: string,
    readonly offsetSeconds: number,
    private readonly abbreviation: string,
    private readonly dstSeconds: number,
    private readonly isStatic: boolean,
  ) {
    super();
  }

  /** `pytz.timezone(name)`: a zone's first offset (local mean time), or its only one. */
  static named(name: string): PytzZone | PytzUtc {
    const zone = canonicalZone(name);
    if (!zone) throw new Error(`UnknownTimeZoneError: '${name}'`);
    if (zone === 'UTC' || zone === 'Etc/UTC') return PYTZ_UTC;
    const now = Date.now();
    const probes = [EARLIEST_MS, Date.UTC(1950, 0, 1), Date.UTC(2000, 0, 1), Date.UTC(2000, 6, 1), now];
    const offsets = probes.map((instant) => zoneOffsetSeconds(zone, instant));
    if (offsets.every((offset) => offset === offsets[0])) return new PytzZone(zone, offsets[0], zoneAbbreviation(zone, now), 0, true);
    const lmt = isLocalMeanTime(zone, EARLIEST_MS);
    return new PytzZone(zone, offsets[0], lmt ? 'LMT' : zoneAbbreviation(zone, EARLIEST_MS), 0, false);
  }

  /** The zone's offset object in force at an instant. */
  private offsetAt(instantMs: number): PytzZone {
    const offset = zoneOffsetSeconds(this.zone, instantMs);
    if (this.isStatic) return this;
    const year = new Date(instantMs + offset * 1000).getUTCFullYear();
    const standard = Math.min(zoneOffsetSeconds(this.zone, Date.UTC(year, 0, 1)), zoneOffsetSeconds(this.zone, Date.UTC(year, 6, 1)));
    const name = isLocalMeanTime(this.zone, instantMs) ? 'LMT' : zoneAbbreviation(this.zone, instantMs);
    return new PytzZone(this.zone, offset, name, offset - standard, false);
  }

  tzname(): string {
    return this.abbreviation;
  }

  override dst(): PyTimeDelta {
    return new PyTimeDelta(this.dstSeconds * 1e6);
  }

  override fromutc(dt: WallTime): WallTime {
    const zoned = this.offsetAt(dt.wallMs);
    return dt.at(dt.wallMs + zoned.offsetSeconds * 1000, zoned);
  }

  /**
   * `tz.localize(naive, is_dst=False)`: the wall time in this zone. A time that happens twice
   * (clocks back) or never (clocks forward) takes the standard offset, or the summer one with
   * `is_dst=True`; `is_dst=None` refuses both, as pytz does.
   */
  localize(dt: WallTime, ...args: unknown[]): WallTime {
    naiveOnly(dt);
    const { positional, kwargs } = splitArgs(args);
    const isDst = 'is_dst' in kwargs ? kwargs.is_dst : positional.length > 0 ? positional[0] : false;
    if (this.isStatic) return dt.at(dt.wallMs, this);
    const wall = dt.wallMs;
    const probes = [wall - DAY_MS, wall, wall + DAY_MS].map((instant) => ({ instant, offset: zoneOffsetSeconds(this.zone, instant) }));
    const candidates = [...new Set(probes.map((probe) => probe.offset))];
    const valid = candidates.filter((offset) => zoneOffsetSeconds(this.zone, wall - offset * 1000) === offset);
    let chosen: number;
    if (valid.length === 1) chosen = valid[0];
    else {
      if (isDst === null || isDst === undefined) throw new Error(`${valid.length > 1 ? 'AmbiguousTimeError' : 'NonExistentTimeError'}: ${String(dt)}`);
      const pool = valid.length > 1 ? valid : candidates;
      chosen = isDst ? Math.max(...pool) : Math.min(...pool);
    }
    // An instant with the chosen offset names it (for a time that never happened, one beside the gap).
    const instant = valid.includes(chosen) ? wall - chosen * 1000 : (probes.find((probe) => probe.offset === chosen)?.instant ?? wall);
    return dt.at(wall, this.offsetAt(instant));
  }

  /** `tz.normalize(dt)`: the right offset again after arithmetic moved `dt` across a change. */
  normalize(dt: WallTime): WallTime {
    if (!dt.tzinfo) throw new Error('ValueError: Naive time - no tzinfo set');
    return this.fromutc(dt.at(dt.wallMs - dt.tzinfo.offsetSeconds * 1000, null));
  }

  override toString(): string {
    return this.zone;
  }

  __repr__(): string {
    if (this.isStatic) return `<StaticTzInfo '${this.zone}'>`;
    return `<DstTzInfo '${this.zone}' ${this.abbreviation}${offsetAsDelta(this.offsetSeconds)} ${this.dstSeconds ? 'DST' : 'STD'}>`;
  }
}
