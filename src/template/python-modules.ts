/**
 * dbt's `modules` context member: the Python modules templates may use. `datetime` and `re`
 * are implemented in full for what templates do with them; `pytz` has every zone of the tz
 * database (through Node's Intl); `itertools` has the combinators that make sense on lists.
 */
import { DATETIME_MODULE } from './py-datetime.js';
import { RE_MODULE } from './py-re.js';
import { allZones } from './py-timezones.js';
import { FixedOffset, PYTZ_UTC, PytzZone } from './py-tzinfo.js';
import { plainValue } from './python-values.js';

function product(...lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((combos, list) => combos.flatMap((combo) => [...list].map((item) => [...combo, item])), [[]]);
}

function combinations(items: unknown[], size: number): unknown[][] {
  if (size === 0) return [[]];
  return [...items].flatMap((item, index) => combinations([...items].slice(index + 1), size - 1).map((rest) => [item, ...rest]));
}

function permutations(items: unknown[], size = items.length): unknown[][] {
  if (size === 0) return [[]];
  return [...items].flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)], size - 1).map((rest) => [item, ...rest]));
}

const ITERTOOLS_MODULE = {
  chain: Object.assign((...lists: unknown[][]) => lists.flatMap((list) => [...list]), { from_iterable: (lists: unknown[][]) => lists.flatMap((list) => [...list]) }),
  product,
  combinations,
  permutations,
  repeat: (item: unknown, times: number) => Array.from({ length: times }, () => item),
};

const PYTZ_MODULE = {
  utc: PYTZ_UTC,
  UTC: PYTZ_UTC,
  timezone: (name: unknown) => PytzZone.named(String(plainValue(name))),
  /** `pytz.FixedOffset(minutes)`. */
  FixedOffset: (minutes: unknown) => new FixedOffset(Number(plainValue(minutes)) * 60),
  get all_timezones(): string[] {
    return allZones();
  },
  get common_timezones(): string[] {
    return allZones();
  },
};

export const PYTHON_MODULES = {
  datetime: DATETIME_MODULE,
  re: RE_MODULE,
  pytz: PYTZ_MODULE,
  itertools: ITERTOOLS_MODULE,
};
