/**
 * dbt's `modules` context member: the Python modules templates may use. `datetime` and `re`
 * are implemented in full for what templates do with them; `pytz` knows UTC only;
 * `itertools` has the combinators that make sense on lists.
 */
import { DATETIME_MODULE, UTC } from './py-datetime.js';
import { RE_MODULE } from './py-re.js';

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
  utc: UTC,
  UTC,
  timezone: (name: string) => {
    if (String(name).toUpperCase() === 'UTC') return UTC;
    throw new Error(`modules.pytz.timezone('${name}'): kpi knows only UTC; convert in SQL with "at time zone '${name}'"`);
  },
};

export const PYTHON_MODULES = {
  datetime: DATETIME_MODULE,
  re: RE_MODULE,
  pytz: PYTZ_MODULE,
  itertools: ITERTOOLS_MODULE,
};
