// Compares the migrated database with schema.prisma, table by table: columns (type, nullability,
// whether the database supplies a default), primary keys, unique and plain indexes, and foreign
// keys with their ON DELETE action. Together with the model round-trip test this stands in for
// `prisma migrate diff`, whose schema engine cannot be downloaded here.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

interface ColumnShape {
  type: string;
  nullable: boolean;
  dbDefault: boolean;
}

interface TableShape {
  columns: Record<string, ColumnShape>;
  indexes: string[]; // "P:a,b" primary key, "U:a" unique, "I:a,b" plain
  foreignKeys: string[]; // "a,b->table(c,d) cascade"
}

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
  Decimal: "numeric",
  Bytes: "bytea",
  Float: "float8",
};
const CLIENT_SIDE_DEFAULTS = /^@default\((cuid|uuid|ulid|nanoid)\(/;
const ON_DELETE: Record<string, string> = {
  Cascade: "cascade",
  SetNull: "set null",
  Restrict: "restrict",
  NoAction: "no action",
};

function fieldList(text: string): string[] {
  return text
    .split(",")
    .map((f) => f.trim().replace(/\(.*\)$/, ""))
    .filter(Boolean);
}

/** Reads the subset of Prisma schema syntax this project's schema uses. */
function expectedShapes(schema: string): Record<string, TableShape> {
  const models = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)].map(([, name, body]) => ({
    name: name!,
    body: body!,
  }));
  const tableOf = new Map(
    models.map((m) => [m.name, /@@map\("(\w+)"\)/.exec(m.body)?.[1] ?? m.name]),
  );
  const shapes: Record<string, TableShape> = {};
  for (const model of models) {
    const columnOf = new Map<string, string>();
    const shape: TableShape = { columns: {}, indexes: [], foreignKeys: [] };
    const lines = model.body
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("//"));
    for (const line of lines) {
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field || line.startsWith("@@")) continue;
      const [name, type, list, optional, attrs] = [
        field[1]!,
        field[2]!,
        field[3],
        field[4],
        field[5]!,
      ];
      const column = /@map\("(\w+)"\)/.exec(attrs)?.[1] ?? name;
      columnOf.set(name, column);
      if (SCALAR_TYPES[type]) {
        let dbType = attrs.includes("@db.Uuid")
          ? "uuid"
          : attrs.includes("@db.Timestamptz")
            ? "timestamptz"
            : attrs.includes("@db.Json")
              ? "json"
              : SCALAR_TYPES[type]!;
        if (list) dbType = `_${dbType}`;
        const defaultAttr =
          /@default\(/.test(attrs) &&
          !CLIENT_SIDE_DEFAULTS.test(attrs.slice(attrs.indexOf("@default(")));
        shape.columns[column] = {
          type: dbType,
          nullable: Boolean(optional || list),
          dbDefault: defaultAttr,
        };
        if (/@id\b/.test(attrs)) shape.indexes.push(`P:${column}`);
        if (/@unique\b/.test(attrs)) shape.indexes.push(`U:${column}`);
      }
    }
    const columns = (names: string) =>
      fieldList(names)
        .map((f) => columnOf.get(f) ?? f)
        .join(",");
    for (const line of lines) {
      const block = /^@@(id|unique|index)\(\[(.*?)\](?:, *map: *"[^"]*")?\)/.exec(line);
      if (block)
        shape.indexes.push(
          `${{ id: "P", unique: "U", index: "I" }[block[1]!]}:${columns(block[2]!)}`,
        );
      const relation =
        /^\w+\s+(\w+)(\?)?\s+@relation\(fields: \[(.*?)\], references: \[(.*?)\](?:, onDelete: (\w+))?/.exec(
          line,
        );
      if (relation) {
        const [, target, optional, fields, references, onDelete] = relation;
        const action = ON_DELETE[onDelete ?? (optional ? "SetNull" : "Restrict")];
        const targetModel = models.find((m) => m.name === target)!;
        const targetColumns = fieldList(references!)
          .map(
            (f) =>
              /@map\("(\w+)"\)/.exec(
                targetModel.body.split("\n").find((l) => l.trim().startsWith(`${f} `)) ?? "",
              )?.[1] ?? f,
          )
          .join(",");
        shape.foreignKeys.push(
          `${columns(fields!)}->${tableOf.get(target!)}(${targetColumns}) ${action}`,
        );
      }
    }
    shape.indexes.sort();
    shape.foreignKeys.sort();
    shapes[tableOf.get(model.name)!] = shape;
  }
  return shapes;
}

async function actualShapes(db: TestDatabase): Promise<Record<string, TableShape>> {
  const q = async <T>(sql: string) => (await db.pool.query(sql)).rows as T[];
  const shapes: Record<string, TableShape> = {};
  const shapeOf = (table: string) =>
    (shapes[table] ??= { columns: {}, indexes: [], foreignKeys: [] });
  const columns = await q<{
    table_name: string;
    column_name: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, udt_name, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  for (const c of columns) {
    shapeOf(c.table_name).columns[c.column_name] = {
      type: c.udt_name,
      nullable: c.is_nullable === "YES",
      dbDefault: c.column_default !== null,
    };
  }
  const indexes = await q<{ table_name: string; kind: string; cols: string }>(
    `SELECT t.relname AS table_name,
            CASE WHEN i.indisprimary THEN 'P' WHEN i.indisunique THEN 'U' ELSE 'I' END AS kind,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`,
  );
  for (const i of indexes) shapeOf(i.table_name).indexes.push(`${i.kind}:${i.cols}`);
  const foreignKeys = await q<{ table_name: string; fk: string }>(
    `SELECT t.relname AS table_name,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) || '->' || r.relname || '(' ||
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) || ') ' ||
            CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'r' THEN 'restrict' ELSE 'no action' END AS fk
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  for (const f of foreignKeys) shapeOf(f.table_name).foreignKeys.push(f.fk);
  for (const shape of Object.values(shapes)) {
    shape.indexes.sort();
    shape.foreignKeys.sort();
  }
  return shapes;
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
});

afterAll(async () => {
  await db.drop();
});

describe("migrations match schema.prisma", () => {
  it("has the same tables, columns, indexes and foreign keys", async () => {
    const schemaPath = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));
    const expected = expectedShapes(await readFile(schemaPath, "utf8"));

    expect(Object.keys(expected)).toHaveLength(39);
    expect(await actualShapes(db)).toEqual(expected);
  });

  it("starts producer ids at 1000", async () => {
    const { rows } = await db.pool.query<{ id: bigint }>(
      "INSERT INTO producer_ids (cluster_id) VALUES ('c') RETURNING producer_id AS id",
    );
    expect(rows[0]!.id).toBe(1000n);
  });
});
