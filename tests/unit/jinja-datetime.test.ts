import { describe, expect, it } from 'vitest';
import { type KpiError } from '../../src/errors.js';
import { renderForTest } from '../helpers/render.js';

/** Expected values are what CPython 3.11 (with pytz) prints for the same expressions. */
describe('modules.datetime and modules.pytz, as Python prints and computes them', () => {
  const dt = '{% set dt = modules.datetime %}';

  it('prints dates, datetimes, times and timedeltas as str() and repr() do', async () => {
    expect(
      await renderForTest(
        `${dt}{{ 'd=' ~ dt.date(2024, 1, 2) }}|{{ dt.datetime(2024, 1, 2, 3, 4, 5) }}|{{ dt.datetime(2024, 1, 2, 3, 4, 5, 123456) }}|{{ dt.time(3, 4) }}|{{ dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc) }}`,
      ),
    ).toBe('d=2024-01-02|2024-01-02 03:04:05|2024-01-02 03:04:05.123456|03:04:00|2024-01-02 00:00:00+00:00');
    expect(await renderForTest(`${dt}{{ [dt.date(2024, 1, 2), dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5, 6), dt.time(3, 4), dt.timedelta(hours=36)] | string }}`)).toBe(
      '[datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 0, 0), datetime.datetime(2024, 1, 2, 3, 4, 5, 6), datetime.time(3, 4), datetime.timedelta(days=1, seconds=43200)]',
    );
    expect(
      await renderForTest(
        `${dt}{{ dt.timedelta(days=-1, hours=1) }}|{{ dt.timedelta(0) }}|{{ dt.timedelta(days=2, microseconds=5) }}|{{ dt.timedelta(0) | pprint }}|{{ [dt.timezone.utc, dt.timezone(dt.timedelta(hours=2))] | string }}|{{ dt.timezone(dt.timedelta(hours=-3)) }}`,
      ),
    ).toBe('-1 day, 1:00:00|0:00:00|2 days, 0:00:00.000005|datetime.timedelta(0)|[datetime.timezone.utc, datetime.timezone(datetime.timedelta(seconds=7200))]|UTC-03:00');
  });

  it('adds, subtracts and compares as Python does', async () => {
    expect(
      await renderForTest(
        `${dt}{{ dt.datetime(2024, 1, 2) - dt.datetime(2023, 12, 31, 12) }}|{{ dt.date(2024, 3, 1) - dt.timedelta(days=1) }}|{{ (dt.date(2024, 3, 1) - dt.date(2024, 1, 1)).days }}|{{ dt.datetime(2024, 1, 31) + dt.timedelta(hours=25) }}` +
          `|{{ dt.date(2024, 1, 31) + dt.timedelta(hours=25) }}|{{ dt.timedelta(days=1) * 2 }}|{{ (dt.timedelta(days=1) / dt.timedelta(hours=1)) | int }}|{{ -dt.timedelta(hours=1) }}`,
      ),
    ).toBe('1 day, 12:00:00|2024-02-29|60|2024-02-01 01:00:00|2024-02-01|2 days, 0:00:00|24|-1 day, 23:00:00');
    const yes = (test: string) => `{{ 'y' if ${test} else 'n' }}`;
    expect(
      await renderForTest(
        dt +
          [
            'dt.date(2024, 1, 1) < dt.date(2024, 1, 2)',
            'dt.datetime(2024, 1, 2, 3, tzinfo=dt.timezone.utc) == dt.datetime(2024, 1, 2, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))',
            'dt.datetime(2024, 1, 2) == dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc)',
            'dt.date(2024, 1, 2) == dt.datetime(2024, 1, 2)',
            'dt.date(2024, 1, 2) in [dt.date(2024, 1, 2)]',
            'dt.timedelta(0)',
          ]
            .map(yes)
            .join(''),
      ),
    ).toBe('yynnyn');
    const error = await renderForTest(`${dt}{{ dt.datetime(2024, 1, 1) - dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) }}`).catch((caught: unknown) => caught);
    expect((error as KpiError).message).toMatch(/can't subtract offset-naive and offset-aware datetimes/);
  });

  it('formats and parses with strftime, format specs, isoformat, strptime and fromisoformat', async () => {
    expect(await renderForTest(`${dt}{{ dt.datetime(2024, 1, 2, 15, 4, 5, 6).strftime('%Y-%m-%d %H:%M:%S.%f %j %A %B %a %b %p %I %U %W %G-%V-%u %-d/%-m %y') }}`)).toBe(
      '2024-01-02 15:04:05.000006 002 Tuesday January Tue Jan PM 03 00 01 2024-01-2 2/1 24',
    );
    expect(
      await renderForTest(
        `${dt}{{ '{:%Y/%m}'.format(dt.date(2024, 1, 2)) }}|{{ dt.datetime(2024, 1, 2, 3, 4, 5, 123456).isoformat(timespec='milliseconds') }}|{{ dt.datetime(2024, 1, 2, 3, 4, 5, 123456).isoformat(' ') }}|{{ dt.date(2024, 1, 2).isoformat() }}` +
          "|{{ dt.datetime.strptime('02/01/2024 3:04 PM', '%d/%m/%Y %I:%M %p') }}|{{ dt.datetime.strptime('2024-01-02 03:04:05+0530', '%Y-%m-%d %H:%M:%S%z') }}" +
          "|{{ dt.datetime.fromisoformat('2024-01-01T10:00:00+02:00').hour }}|{{ dt.datetime.fromisoformat('2024-01-01T10:00:00+02:00').utcoffset() }}|{{ dt.datetime.fromisoformat('2024-01-01 10:00:00Z') }}|{{ dt.date.fromisoformat('2024-02-29') }}",
      ),
    ).toBe('2024/01|2024-01-02T03:04:05.123|2024-01-02 03:04:05.123456|2024-01-02|2024-01-02 15:04:00|2024-01-02 03:04:05+05:30|10|2:00:00|2024-01-01 10:00:00+00:00|2024-02-29');
  });

  it('has the calendar methods and attributes', async () => {
    expect(
      await renderForTest(
        `${dt}{{ dt.date(2024, 12, 30).isocalendar().week }}/{{ dt.date(2024, 12, 30).isocalendar()[0] }}|{{ dt.date(2024, 1, 2).weekday() }}/{{ dt.date(2024, 1, 2).isoweekday() }}|{{ dt.date(2024, 1, 1).toordinal() }}|{{ dt.date.fromordinal(738886) }}` +
          `|{{ dt.datetime(2024, 1, 2, 3).replace(hour=5, minute=6) }}|{{ dt.datetime(2024, 1, 2, 3, 4).date() }}|{{ dt.datetime(2024, 1, 2, 3, 4).time() }}|{{ dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp() | int }}|{{ dt.datetime.fromtimestamp(86400, dt.timezone.utc) }}`,
      ),
    ).toBe('1/2025|1/2|738886|2024-01-01|2024-01-02 05:06:00|2024-01-02|03:04:00|1704067200|1970-01-02 00:00:00+00:00');
    const error = await renderForTest(`${dt}{{ dt.date(2024, 1, 31).replace(month=2) }}`).catch((caught: unknown) => caught);
    expect((error as KpiError).message).toMatch(/day is out of range for month/);
  });

  it('has pytz zones with their real offsets: localize, normalize, astimezone, and the tzinfo= trap', async () => {
    const tz = "{% set tz = modules.pytz.timezone('America/New_York') %}";
    expect(
      await renderForTest(
        `${dt}${tz}{{ tz }}|{{ tz | pprint }}|{{ tz.localize(dt.datetime(2024, 7, 1, 12)) }}|{{ tz.localize(dt.datetime(2024, 7, 1, 12)).tzname() }}|{{ tz.localize(dt.datetime(2024, 1, 1, 12)) }}|{{ tz.localize(dt.datetime(2024, 1, 1, 12)).tzname() }}` +
          `|{{ dt.datetime(2024, 7, 1, 16, tzinfo=modules.pytz.utc).astimezone(tz) }}|{{ dt.datetime(2024, 1, 2, tzinfo=tz) }}`,
      ),
    ).toBe("America/New_York|<DstTzInfo 'America/New_York' LMT-1 day, 19:04:00 STD>|2024-07-01 12:00:00-04:00|EDT|2024-01-01 12:00:00-05:00|EST|2024-07-01 12:00:00-04:00|2024-01-02 00:00:00-04:56");
    // Clocks forward (02:30 never happens) and back (01:30 happens twice): is_dst picks the offset.
    expect(
      await renderForTest(
        `${dt}${tz}{{ tz.localize(dt.datetime(2024, 3, 10, 2, 30)) }}|{{ tz.localize(dt.datetime(2024, 3, 10, 2, 30), is_dst=True) }}|{{ tz.localize(dt.datetime(2024, 11, 3, 1, 30)) }}|{{ tz.localize(dt.datetime(2024, 11, 3, 1, 30), is_dst=True) }}` +
          '|{{ tz.normalize(tz.localize(dt.datetime(2024, 3, 10, 1, 30)) + dt.timedelta(hours=1)) }}',
      ),
    ).toBe('2024-03-10 02:30:00-05:00|2024-03-10 02:30:00-04:00|2024-11-03 01:30:00-05:00|2024-11-03 01:30:00-04:00|2024-03-10 03:30:00-04:00');
    expect(
      await renderForTest(
        `${dt}{{ modules.pytz.utc }}|{{ modules.pytz.UTC | pprint }}|{{ modules.pytz.timezone('Asia/Kolkata').localize(dt.datetime(2024, 1, 1)) }}|{{ modules.pytz.timezone('Europe/Berlin').localize(dt.datetime(2024, 7, 1)).strftime('%H:%M %Z %z') }}` +
          "|{{ dt.datetime(1997, 9, 29, 6, 14, 0, tzinfo=modules.pytz.timezone('America/Los_Angeles')) }}|{{ modules.pytz.utc.localize(dt.datetime(2024, 1, 1)) }}",
      ),
    ).toBe('UTC|<UTC>|2024-01-01 00:00:00+05:30|00:00 CEST +0200|1997-09-29 06:14:00-07:53|2024-01-01 00:00:00+00:00');
    const error = await renderForTest("{{ modules.pytz.timezone('Not/A_Zone') }}").catch((caught: unknown) => caught);
    expect((error as KpiError).message).toMatch(/UnknownTimeZoneError: 'Not\/A_Zone'/);
  });

  it('gives run_started_at as an aware datetime in UTC', async () => {
    expect(
      await renderForTest(
        "{{ run_started_at }}|{{ run_started_at | pprint }}|{{ run_started_at.astimezone(modules.pytz.timezone('America/Los_Angeles')) }}|{{ run_started_at.strftime('%Y%m%d') }}|{{ 'aware' if run_started_at.tzinfo is not none }}",
      ),
    ).toBe('2025-03-31 12:00:00+00:00|datetime.datetime(2025, 3, 31, 12, 0, tzinfo=<UTC>)|2025-03-31 05:00:00-07:00|20250331|aware');
  });
});

describe('modules.re, with Python pattern syntax', () => {
  it('reads inline flags, flag arguments, verbose patterns and named groups', async () => {
    const sql = await renderForTest(
      "{{ 'y' if modules.re.search('(?s)a.b', 'a\\nb') else 'n' }}|{{ modules.re.search('(?i)ABC', 'xabc').group() }}|{{ modules.re.findall('(?m)^x', 'x\\nx') | length }}" +
        "|{{ modules.re.sub('(?x) a [ ]b  # a comment', '-', 'xa bx') }}|{{ 'y' if modules.re.search('a.b', 'a\\nb', modules.re.DOTALL) else 'n' }}|{{ 'y' if modules.re.search('A.B', 'a\\nb', flags=modules.re.IGNORECASE + modules.re.DOTALL) else 'n' }}" +
        "|{{ modules.re.match('(?P<y>\\\\d{4})-(?P<m>\\\\d\\\\d)', '2024-05').groupdict() }}|{{ modules.re.match('(?P<y>\\\\d{4})', '2024').group('y') }}|{{ 'y' if modules.re.search('(?is)A.B', 'a\\nb') else 'n' }}|{{ modules.re.compile('(?i)x').flags }}",
    );
    expect(sql).toBe("y|abc|2|x-x|y|y|{'y': '2024', 'm': '05'}|2024|y|34");
  });
});
