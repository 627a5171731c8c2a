import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-button";
import { PageHeader } from "@/components/shell/page-header";
import type { OpenApiDocument } from "@/server/rest-api/openapi";
import { Prose, SchemaType, type SchemaOrRef } from "./schema-type";

type Operation = NonNullable<NonNullable<OpenApiDocument["paths"]>[string]["get"]>;

function Table({ head, rows }: { head: string[]; rows: React.ReactNode[][] }) {
  return (
    <div className="overflow-x-auto rounded-md border">
      <table className="w-full text-sm">
        <thead className="border-b bg-muted/60 text-left text-xs uppercase tracking-wide text-muted-foreground">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            <tr key={i} className="border-b align-top last:border-0">
              {cells.map((cell, j) => (
                <td key={j} className="px-3 py-2">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OperationCard({
  method,
  path,
  operation,
  origin,
}: {
  method: string;
  path: string;
  operation: Operation;
  origin: string;
}) {
  const parameters = (operation.parameters ?? []).flatMap((p) => ("$ref" in p ? [] : [p]));
  const example = path.replace(/\{(\w+)\}/g, "<$1>");
  return (
    <Card id={operation.operationId} data-testid="api-operation">
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2 font-mono text-base">
          <Badge variant="success" className="uppercase">
            {method}
          </Badge>
          {path}
        </CardTitle>
        <CardDescription>
          <span className="font-medium text-foreground">{operation.summary}</span>
          {operation.description && (
            <>
              {" — "}
              <Prose text={operation.description} />
            </>
          )}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {parameters.length > 0 && (
          <Table
            head={["Parameter", "In", "Type", "Description"]}
            rows={parameters.map((p) => [
              <code key="n" className="font-mono text-xs">
                {p.name}
                {p.required ? "" : "?"}
              </code>,
              p.in,
              p.schema ? <SchemaType schema={p.schema as SchemaOrRef} /> : "—",
              <Prose key="d" text={p.description} />,
            ])}
          />
        )}
        <Table
          head={["Status", "Meaning", "Body"]}
          rows={Object.entries(operation.responses ?? {}).map(([status, response]) => {
            const schema =
              "content" in response ? response.content?.["application/json"]?.schema : undefined;
            return [
              <code key="s">{status}</code>,
              "description" in response ? response.description : "",
              schema ? <SchemaType schema={schema as SchemaOrRef} /> : "—",
            ];
          })}
        />
        <CopyField
          value={`curl -H "Authorization: Bearer $STREAMBED_API_KEY" "${origin}${example}"`}
          label="curl example"
        />
      </CardContent>
    </Card>
  );
}

/** The fields of an object schema; fields of inline (unnamed) objects follow as `outer.inner`. */
function fieldsOf(
  schema: SchemaOrRef,
  prefix = "",
): { name: string; required: boolean; schema: SchemaOrRef }[] {
  if ("$ref" in schema) return [];
  const required = schema.required ?? [];
  return Object.entries(schema.properties ?? {}).flatMap(([field, property]) => {
    const name = `${prefix}${field}`;
    const nested = "$ref" in property ? [] : fieldsOf(property, `${name}.`);
    return [{ name, required: required.includes(field), schema: property }, ...nested];
  });
}

function SchemaCard({ name, schema }: { name: string; schema: SchemaOrRef }) {
  return (
    <Card id={`schema-${name}`}>
      <CardHeader>
        <CardTitle className="font-mono text-base">{name}</CardTitle>
      </CardHeader>
      <CardContent>
        <Table
          head={["Field", "Type", "Description"]}
          rows={fieldsOf(schema).map((field) => [
            <code key="f" className="font-mono text-xs">
              {field.name}
              {field.required ? "" : "?"}
            </code>,
            <SchemaType key="t" schema={field.schema} />,
            <Prose key="d" text={"$ref" in field.schema ? undefined : field.schema.description} />,
          ])}
        />
      </CardContent>
    </Card>
  );
}

/** The REST API reference, rendered from the OpenAPI document (no external viewer or CDN). */
export function ApiReference({ document, origin }: { document: OpenApiDocument; origin: string }) {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    (["get", "post", "put", "patch", "delete"] as const).flatMap((method) => {
      const operation = item[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            <Prose text={document.info.description} />{" "}
            <a className="text-primary hover:underline" href="/api/v1/openapi.json">
              OpenAPI document
            </a>{" "}
            ·{" "}
            <a className="text-primary hover:underline" href="/api-keys">
              API keys
            </a>
          </>
        }
      />
      <div className="grid gap-6">
        {operations.map(({ path, method, operation }) => (
          <OperationCard
            key={`${method} ${path}`}
            method={method}
            path={path}
            operation={operation}
            origin={origin}
          />
        ))}
        <h2 className="mt-2 text-lg font-semibold">Schemas</h2>
        {Object.entries(document.components?.schemas ?? {}).map(([name, schema]) => (
          <SchemaCard key={name} name={name} schema={schema} />
        ))}
      </div>
    </>
  );
}
