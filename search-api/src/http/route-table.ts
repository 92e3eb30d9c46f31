import type { Context, Hono } from "hono";
import { z } from "zod";
import { assertRole, principalOf, type Principal, type PrincipalKind } from "../auth/principal.ts";
import { problem } from "./problem.ts";
import { parseOrThrow, queryParams } from "./validate.ts";

/** Who may call a route: anyone, or signed-in principals of these kinds. */
export type Access = "public" | readonly PrincipalKind[];

type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: Method;
  /** Hono path syntax: /v1/admin/sources/:id */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  /** API clients (bearer tokens) also need this scope; sessions are governed by `access` alone. */
  scope?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Status of a successful answer (200 unless said). */
  status?: number;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | undefined;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/json")) {
    throw problem(415, "unsupported-media-type", "JSON expected", "Send the body as application/json.");
  }
  try {
    return await c.req.json();
  } catch {
    throw problem(400, "invalid-json", "Invalid JSON body", "The request body is not valid JSON.");
  }
}

/**
 * Routes declared with their access rule and zod schemas. Access and validation are enforced here,
 * in one place, and the same declarations produce the OpenAPI document — so what the document
 * says about a route is what the route does.
 */
export class RouteTable {
  readonly specs: RouteSpec[] = [];

  constructor(private readonly app: Hono) {}

  add<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    spec: Omit<RouteSpec, "params" | "query" | "body"> & { params?: P; query?: Q; body?: B },
    handler: (c: Context, input: RouteInput<Infer<P>, Infer<Q>, Infer<B>>) => Response | Promise<Response>,
  ): void {
    this.specs.push(spec as RouteSpec);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      if (spec.access !== "public") {
        const principal = assertRole(c, ...spec.access);
        if (spec.scope && principal.kind === "api" && !principal.scopes?.includes(spec.scope)) {
          throw problem(403, "insufficient-scope", "Token lacks a scope", `This API token needs the scope ${spec.scope}.`);
        }
      }
      const params = spec.params ? parseOrThrow(spec.params, c.req.param(), "path parameters") : undefined;
      const query = spec.query ? parseOrThrow(spec.query, queryParams(c.req.url), "query parameters") : undefined;
      const body = spec.body ? parseOrThrow(spec.body, await jsonBody(c), "request body") : undefined;
      return handler(c, { params, query, body, principal: principalOf(c) } as RouteInput<Infer<P>, Infer<Q>, Infer<B>>);
    });
  }
}
