import { z } from "zod";
import type { RouteSpec } from "./route-table.ts";

const PROBLEM_SCHEMA = {
  type: "object",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
  },
  required: ["type", "title", "status"],
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const document = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete document.$schema;
  return document;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document of the routes as declared (x-roles lists who may call each). */
export function openApiDocument(specs: readonly RouteSpec[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:(\w+)/g, "{$1}");
    const status = String(spec.status ?? 200);
    const operation: Record<string, unknown> = {
      operationId: `${spec.method}${path.replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
      summary: spec.summary,
      tags: [spec.tag],
      "x-roles": spec.access === "public" ? ["public"] : [...spec.access],
      ...(spec.scope && { "x-scope": spec.scope }),
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
      responses: {
        [status]: { description: "Success", content: { "application/json": { schema: {} } } },
        default: { description: "Problem", content: { "application/problem+json": { schema: PROBLEM_SCHEMA } } },
      },
      ...(spec.access !== "public" && { security: [{ session: [] }, { bearer: [] }] }),
    };
    if (spec.body) operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body) } } };
    paths[path] = { ...paths[path], [spec.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "interlend_session" },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
  };
}
