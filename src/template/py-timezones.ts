/**
 * The IANA time zone database, read through Node's Intl (which carries all of it; nothing
 * is fetched): a zone's UTC offset at an instant and its abbreviation. pytz is built on the
 * same database; its offsets are whole minutes (it rounds the seconds of local mean time).
 */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const LOCALES_FOR_NAMES = ['en-US', 'en-GB', 'en-AU', 'en-IN'];

function offsetFormat(zone: string): Intl.DateTimeFormat {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset', year: 'numeric' });
    offsetFormats.set(zone, format);
  }
  return format;
}

/** The zone's name as the database spells it (`america/new_york` → `America/New_York`), or null. */
export function canonicalZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Seconds east of UTC in `zone` at the instant `epochMs`, as the database has it (local mean time has seconds). */
export function exactOffsetSeconds(zone: string, epochMs: number): number {
  const text =
    offsetFormat(zone)
      .formatToParts(new Date(epochMs))
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(text);
  if (!match || !match[1]) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
  return match[1] === '-' ? -seconds : seconds;
}

/** The offset rounded to the minute, as pytz rounds it. */
export function zoneOffsetSeconds(zone: string, epochMs: number): number {
  return Math.floor((exactOffsetSeconds(zone, epochMs) + 30) / 60) * 60;
}

/** Local mean time (before a place kept standard time): offsets that are no whole quarter hour. */
export function isLocalMeanTime(zone: string, epochMs: number): boolean {
  return exactOffsetSeconds(zone, epochMs) % 900 !== 0;
}

/** `+05:30` style, as the tz database writes zones that have no letters for their time. */
function numericAbbreviation(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const minutes = Math.abs(offsetSeconds) / 60;
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0');
  return minutes % 60 === 0 ? `${sign}${hours}` : `${sign}${hours}${String(minutes % 60).padStart(2, '0')}`;
}

/** The zone's abbreviation at an instant (`EST`, `CEST`), where some English locale has one. */
export function zoneAbbreviation(zone: string, epochMs: number): string {
  for (const locale of LOCALES_FOR_NAMES) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(epochMs)).find((part) => part.type === 'timeZoneName')?.value;
    if (name && !/^(GMT|UTC)[+-]/.test(name))
      return name === 'GMT' && zone !== 'Etc/GMT' && zone !== 'GMT' && zoneOffsetSeconds(zone, epochMs) !== 0 ? numericAbbreviation(zoneOffsetSeconds(zone, epochMs)) : name;
  }
  return numericAbbreviation(zoneOffsetSeconds(zone, epochMs));
}

export function allZones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}
