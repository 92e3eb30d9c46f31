import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** RFC 9457 problem details; every error the API returns has this shape. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
}

/** An error that already knows how it looks over HTTP. */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = "HttpProblem";
  }
}

const TYPE_BASE = "https://interlend.org/problems/";

export function problem(
  status: number,
  slug: string,
  title: string,
  detail?: string,
  extra: Partial<Problem> = {},
): HttpProblem {
  return new HttpProblem({ type: TYPE_BASE + slug, title, status, ...(detail && { detail }), ...extra });
}

export function sendProblem(c: Context, p: Problem): Response {
  return c.body(JSON.stringify(p), p.status as ContentfulStatusCode, { "content-type": "application/problem+json" });
}
