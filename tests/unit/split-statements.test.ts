import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/materializations/split-statements.js';

describe('splitStatements', () => {
  it("splits at top-level semicolons only, as Postgres' parser ends statements", () => {
    expect(splitStatements("set local a = 'x;y'; set local b = 'it''s; fine';")).toEqual(["set local a = 'x;y'", "set local b = 'it''s; fine'"]);
    expect(splitStatements('create function f() returns int as $body$ select 1; $body$ language sql; select "semi;colon" from t')).toEqual([
      'create function f() returns int as $body$ select 1; $body$ language sql',
      'select "semi;colon" from t',
    ]);
    expect(splitStatements('select 1; -- a comment; still a comment\nselect 2 /* ; */')).toEqual(['select 1', '-- a comment; still a comment\nselect 2 /* ; */']);
    expect(splitStatements(' ; -- only a comment\n;')).toEqual([]);
    expect(splitStatements('select $1::int')).toEqual(['select $1::int']);
  });
});
