import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/adapters/adapter.js';
import { dependentViews, describeRelations, existingRelation, relationColumns, relationGrants, relationsInSchemaQuery, schemasQuery, ask } from '../../src/adapters/catalog.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';

/** The catalog module's answers, checked against Postgres's own information_schema and against the DDL that made the relations. */
for (const kind of databaseKinds()) {
  describe(`the catalog on ${kind}`, () => {
    let db: TestDatabase;
    const schema = uniqueSchema('cat');
    const role = `kpi_cat_${randomBytes(4).toString('hex')}`;
    const on = <T>(fn: (connection: Connection) => Promise<T>) => db.adapter.withConnection(fn);

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      db.target(schema);
      await on(async (connection) => {
        await connection.execute(`
          create schema ${schema};
          create role ${role};
          create type ${schema}.mood as enum ('calm', 'busy');
          create domain ${schema}.amount as numeric(8,3);
          create domain ${schema}.labels as text[];
          create table ${schema}.wide (
            a varchar(20), gone integer, b numeric(10,2), c integer[], d jsonb, e ${schema}.mood, f ${schema}.amount, g ${schema}.labels,
            h char(3), i bit(4), j timestamp(3), k interval, l double precision, m smallint, n bigint, o real, p numeric, q varchar, r text, "Mixed Case" date
          );
          alter table ${schema}.wide drop column gone;
          comment on table ${schema}.wide is 'Every kind of column';
          comment on column ${schema}.wide.b is 'Two decimals';
          create view ${schema}.wide_view as select a, b from ${schema}.wide;
          create view ${schema}.wide_nested as select b from ${schema}.wide_view;
          comment on view ${schema}.wide_view is 'A view on wide';
          comment on column ${schema}.wide_view.a is 'The text';
          grant select on ${schema}.wide_view to ${role};
          grant select, insert on ${schema}.wide to ${role};
          grant select on ${schema}.wide to public;
          create materialized view ${schema}.wide_totals as select sum(b) as total from ${schema}.wide;
          create table ${schema}.parted (id integer, day date) partition by range (day);
          create table ${schema}.wide_totals_source (a integer, b integer, "Mixed Case" date);
          create sequence ${schema}.counter;
        `);
      });
    });

    afterAll(async () => {
      await on(async (connection) => {
        await connection.execute(`drop schema if exists ${schema} cascade; drop owned by ${role}; drop role if exists ${role};`);
      });
      await db.close();
    });

    it("reads columns with format_type's types in table order, and the standard listing exactly as information_schema.columns", async () => {
      const columns = await on((connection) => relationColumns(connection, { schema, identifier: 'wide' }));
      expect(columns.slice(0, 4).map((column) => [column.name, column.position, column.dataType, column.comment])).toEqual([
        ['a', 1, 'character varying(20)', null],
        ['b', 3, 'numeric(10,2)', 'Two decimals'],
        ['c', 4, 'integer[]', null],
        ['d', 5, 'jsonb', null],
      ]);
      expect(columns.map((column) => column.dataType).slice(4, 7)).toEqual([`${schema}.mood`, `${schema}.amount`, `${schema}.labels`]);
      const standard = await on((connection) => relationColumns(connection, { schema, identifier: 'wide' }, { listing: 'standard' }));
      const reference = await db.query<Record<string, unknown>>(
        `select column_name, ordinal_position::int as position, data_type, character_maximum_length::int as length, numeric_precision::int as precision, numeric_scale::int as scale
         from information_schema.columns where table_schema = $1 and table_name = 'wide' order by ordinal_position`,
        [schema],
      );
      expect(
        standard.map((column) => [column.name, column.position, column.standard.dataType, column.standard.characterMaximumLength, column.standard.numericPrecision, column.standard.numericScale]),
      ).toEqual(reference.map((row) => [row.column_name, row.position, row.data_type, row.length, row.precision, row.scale]));
    });

    it('lists only the columns a role may use in the standard listing, as information_schema does', async () => {
      await on(async (connection) => {
        await connection.query(`grant usage on schema ${schema} to ${role}`);
        await connection.query(`grant select (a, "Mixed Case") on ${schema}.wide_totals_source to ${role}`);
        await connection.query(`set role ${role}`);
        try {
          const standard = await relationColumns(connection, { schema, identifier: 'wide_totals_source' }, { listing: 'standard' });
          const reference = await connection.query<{ column_name: string }>(
            `select column_name from information_schema.columns where table_schema = $1 and table_name = 'wide_totals_source' order by ordinal_position`,
            [schema],
          );
          expect(standard.map((column) => column.name)).toEqual(reference.rows.map((row) => row.column_name));
          expect(standard.map((column) => column.name)).toEqual(['a', 'Mixed Case']);
          expect((await relationColumns(connection, { schema, identifier: 'wide_totals_source' })).map((column) => column.name)).toEqual(['a', 'b', 'Mixed Case']);
        } finally {
          await connection.query('reset role');
        }
      });
    });

    it('tells the listings apart: materialized views, temporary tables, missing relations', async () => {
      await on(async (connection) => {
        expect((await relationColumns(connection, { schema, identifier: 'wide_totals' })).map((column) => column.name)).toEqual(['total']);
        expect(await relationColumns(connection, { schema, identifier: 'wide_totals' }, { listing: 'standard' })).toEqual([]);
        expect(await relationColumns(connection, { schema, identifier: 'missing' })).toEqual([]);
        expect(await relationColumns(connection, { schema: 'no_such_schema', identifier: 'wide' })).toEqual([]);
        await connection.query('create temporary table kpi_cat_temp (x numeric(5,1))');
        try {
          expect((await relationColumns(connection, { schema: 'pg_temp', identifier: 'kpi_cat_temp' })).map((column) => column.dataType)).toEqual(['numeric(5,1)']);
          expect(await relationColumns(connection, { schema: 'pg_temp', identifier: 'kpi_cat_temp' }, { listing: 'standard' })).toEqual([]);
        } finally {
          await connection.query('drop table kpi_cat_temp');
        }
      });
    });

    it('says what kind of relation a name is, and lists the relations and schemas', async () => {
      await on(async (connection) => {
        const kinds = [];
        for (const identifier of ['wide', 'wide_view', 'wide_totals', 'parted', 'counter', 'missing']) kinds.push(await existingRelation(connection, { schema, identifier }));
        expect(kinds).toEqual(['table', 'view', 'materialized_view', 'table', null, null]);
        expect(await ask(connection, relationsInSchemaQuery(schema))).toEqual([
          { identifier: 'parted', kind: 'table' },
          { identifier: 'wide', kind: 'table' },
          { identifier: 'wide_nested', kind: 'view' },
          { identifier: 'wide_totals', kind: 'materialized_view' },
          { identifier: 'wide_totals_source', kind: 'table' },
          { identifier: 'wide_view', kind: 'view' },
        ]);
        const schemas = await ask(connection, schemasQuery());
        expect(schemas).toContain(schema);
        expect(schemas.filter((name) => name.startsWith('pg_') || name === 'information_schema')).toEqual([]);
      });
    });

    it("captures the views on a relation, nested ones deeper, with their comments and grants; and a relation's grants but its owner's", async () => {
      const views = await on((connection) => dependentViews(connection, { schema, identifier: 'wide' }));
      expect(views.map((view) => [view.name, view.depth, view.materialized, view.comment])).toEqual([
        ['wide_totals', 1, true, null],
        ['wide_view', 1, false, 'A view on wide'],
        ['wide_nested', 2, false, null],
      ]);
      const wideView = views.find((view) => view.name === 'wide_view');
      expect(wideView?.columnComments).toEqual([{ column: 'a', comment: 'The text' }]);
      expect(wideView?.grants).toEqual([{ privilege: 'SELECT', grantee: role }]);
      expect(wideView?.definition).toMatch(/^SELECT (wide\.)?a,\s+(wide\.)?b\s+FROM \S*\.wide$/);
      const grants = await on((connection) => relationGrants(connection, { schema, identifier: 'wide' }));
      expect(grants.map((grant) => `${grant.privilege} ${grant.grantee}`).sort()).toEqual([`INSERT ${role}`, `SELECT ${role}`, 'SELECT public'].sort());
    });

    it('describes the relations of schemas with their columns in one query, as the docs catalog reads them', async () => {
      const relations = await on((connection) => describeRelations(connection, [schema]));
      expect(relations.map((relation) => [relation.identifier, relation.kind, relation.comment, relation.bytes === null])).toEqual([
        ['parted', 'table', null, false],
        ['wide', 'table', 'Every kind of column', false],
        ['wide_nested', 'view', null, true],
        ['wide_totals', 'materialized_view', null, false],
        ['wide_totals_source', 'table', null, false],
        ['wide_view', 'view', 'A view on wide', true],
      ]);
      const wide = relations.find((relation) => relation.identifier === 'wide');
      const single = await on((connection) => relationColumns(connection, { schema, identifier: 'wide' }));
      expect(wide?.columns).toEqual(single);
    });
  });
}
