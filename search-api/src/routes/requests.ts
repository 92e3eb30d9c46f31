import { z } from "zod";
import type { AppDeps } from "../app.ts";
import { throwTooManyRequests, rateLimiter } from "../auth/rate-limit.ts";
import { problem } from "../http/problem.ts";
import type { RouteTable } from "../http/route-table.ts";
import { listNotifications } from "../notifications/outbox.ts";
import { listForPatron } from "../repositories/requests.ts";
import type { LiveAvailability } from "../services/ranking/types.ts";
import { performAction, placeRequest, presentRequest, presentRequests, USER_ACTIONS, visibleRequest } from "../services/requests/index.ts";
import { dbId, idParams } from "../http/validate.ts";

/** The app's dependencies plus what placing can use when the process has it. */
export type RequestRouteDeps = AppDeps & {
  liveAvailability?: LiveAvailability;
  /** Requests one patron may place per window (default 10 a minute). */
  placingRateLimit?: { limit: number; windowMs: number };
};


const placeBody = z.strictObject({
  recordId: dbId,
  pickupLocation: z.string().trim().min(1).max(200).optional(),
  serviceType: z.enum(["loan", "copy"]).default("loan"),
});

const actionBody = z.strictObject({
  action: z.enum(USER_ACTIONS),
  reason: z.string().trim().min(1).max(500).optional(),
  dueDate: z.string().trim().max(40).optional(),
});

const mineQuery = z.strictObject({
  mine: z.literal("1").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const notificationsQuery = z.strictObject({
  status: z.enum(["pending", "sending", "sent", "failed"]).optional(),
  request: dbId.optional(),
  before: dbId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function requestRoutes(routes: RouteTable, deps: RequestRouteDeps): void {
  const placing = rateLimiter(deps.placingRateLimit ?? { limit: 10, windowMs: 60_000 });

  routes.add(
    {
      method: "post",
      path: "/v1/requests",
      summary: "Place a request for a union record (patron; Idempotency-Key header required). 201 with the rota; 200 for a retry with the same key",
      tag: "requests",
      access: ["patron"],
      body: placeBody,
      status: 201,
    },
    async (c, { body, principal }) => {
      const key = c.req.header("idempotency-key")?.trim();
      if (!key || key.length > 200) {
        throw problem(400, "idempotency-key-required", "Idempotency-Key header required", "Send an Idempotency-Key header (1–200 characters, e.g. a UUID) so a retry never places a second request.");
      }
      const decision = placing.hit(`patron:${principal!.id}`);
      if (!decision.allowed) throwTooManyRequests(c, decision, `You are placing requests too fast; try again in ${decision.retryAfterSeconds} s.`);
      const { request, created } = await placeRequest(
        deps.db,
        { patronId: principal!.id, recordId: body.recordId, pickupLocation: body.pickupLocation, serviceType: body.serviceType, idempotencyKey: key },
        { liveAvailability: deps.liveAvailability },
      );
      c.header("Location", `/v1/requests/${request.id}`);
      return c.json(await presentRequest(deps.db, request, principal), created ? 201 : 200);
    },
  );

  routes.add(
    { method: "get", path: "/v1/requests", summary: "The signed-in patron's requests (mine=1), newest first, with their events", tag: "requests", access: ["patron"], query: mineQuery },
    async (c, { query, principal }) => {
      const rows = await listForPatron(deps.db, principal!.id, query.limit);
      return c.json({ requests: await presentRequests(deps.db, rows, principal) });
    },
  );

  routes.add(
    {
      method: "get",
      path: "/v1/requests/:id",
      summary: "A request with its rota, events and the caller's allowed actions (its patron, staff of the borrower or current lender, admins)",
      tag: "requests",
      access: ["patron", "staff", "admin", "api"], scope: "requests",
      params: idParams,
    },
    async (c, { params, principal }) => {
      const request = await visibleRequest(deps.db, params.id, principal);
      return c.json(await presentRequest(deps.db, request, principal));
    },
  );

  routes.add(
    {
      method: "post",
      path: "/v1/requests/:id/actions",
      summary: "Act on a request: ship (dueDate), deliver, unfill (reason), receive, return, complete, cancel. 409 names the state and the allowed actions",
      tag: "requests",
      access: ["patron", "staff", "admin", "api"], scope: "requests",
      params: idParams,
      body: actionBody,
    },
    async (c, { params, body, principal }) => {
      const request = await performAction(deps.db, { requestId: params.id, principal: principal!, action: body.action, reason: body.reason, dueDate: body.dueDate });
      return c.json(await presentRequest(deps.db, request, principal));
    },
  );

  routes.add(
    {
      method: "get",
      path: "/v1/admin/notifications",
      summary: "Patron and staff notices (the outbox when no SMTP server is configured), newest first",
      tag: "admin",
      access: ["admin"],
      query: notificationsQuery,
    },
    async (c, { query }) => {
      const rows = await listNotifications(deps.db, { status: query.status, requestId: query.request, beforeId: query.before, limit: query.limit });
      return c.json({
        notifications: rows.map((n) => ({
          id: n.id,
          kind: n.kind,
          requestId: n.request_id,
          audience: n.audience,
          to: n.recipient,
          subject: n.subject,
          body: n.body,
          status: n.status,
          attempts: n.attempts,
          lastError: n.last_error,
          createdAt: n.created_at,
          sentAt: n.sent_at,
        })),
      });
    },
  );
}
