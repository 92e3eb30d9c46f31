import type { Notice } from "./outbox.ts";

/** What a request notice says: gathered once per transition by the request service. */
export interface NoticeFacts {
  requestId: number;
  title: string;
  serviceType: "loan" | "copy";
  patron: { name: string; email: string | null };
  borrower: { name: string };
  lender: { name: string; contactEmail: string | null } | null;
  pickupLocation: string | null;
  dueDate: string | null;
}

/** The state a transition reached, plus "placed" for a new request. */
export type NoticeTrigger = "placed" | "sent" | "shipped" | "delivered" | "received" | "not_supplied" | "overdue";

const SIGNATURE = "\n\n— Interlend, on behalf of your library";

function patronNotice(facts: NoticeFacts, kind: Notice["kind"], subject: string, lines: string[]): Notice[] {
  if (!facts.patron.email) return [];
  return [
    {
      kind,
      requestId: facts.requestId,
      recipient: facts.patron.email,
      audience: "patron",
      subject,
      body: [`Dear ${facts.patron.name},`, "", ...lines].join("\n") + SIGNATURE,
    },
  ];
}

function pickup(facts: NoticeFacts): string {
  return facts.pickupLocation ? `${facts.borrower.name} (${facts.pickupLocation})` : facts.borrower.name;
}

/** The notices a transition sends (none for states nobody needs telling about). */
export function noticesFor(trigger: NoticeTrigger, facts: NoticeFacts): Notice[] {
  const ref = `request ${facts.requestId}`;
  switch (trigger) {
    case "placed":
      return patronNotice(facts, "request_placed", `Request placed: ${facts.title}`, [
        `We have asked another library for "${facts.title}" (${ref}).`,
        `You will hear from us when it is on its way to ${pickup(facts)}.`,
      ]);
    case "sent": {
      if (!facts.lender?.contactEmail) return [];
      return [
        {
          kind: "new_request",
          requestId: facts.requestId,
          recipient: facts.lender.contactEmail,
          audience: "staff",
          subject: `New ${facts.serviceType === "copy" ? "copy" : "loan"} request: ${facts.title}`,
          body: [
            `${facts.borrower.name} asks ${facts.lender.name} for "${facts.title}" (${ref}).`,
            "It is on your lending queue: ship it, or say why you cannot, within the pod's response window.",
          ].join("\n") + SIGNATURE,
        },
      ];
    }
    case "shipped":
      return patronNotice(facts, "shipped", `On its way: ${facts.title}`, [
        `${facts.lender?.name ?? "The lending library"} has sent "${facts.title}" (${ref}) to ${pickup(facts)}.`,
        facts.dueDate ? `It is due back on ${facts.dueDate}.` : "",
      ].filter(Boolean));
    case "delivered":
      return patronNotice(facts, "ready_to_collect", `Your copy is ready: ${facts.title}`, [
        `${facts.lender?.name ?? "The lending library"} has supplied the copy of "${facts.title}" you asked for (${ref}).`,
        `Collect it at ${pickup(facts)}.`,
      ]);
    case "received":
      return patronNotice(facts, "ready_to_collect", `Ready to collect: ${facts.title}`, [
        `"${facts.title}" (${ref}) has arrived and is ready for you at ${pickup(facts)}.`,
        facts.dueDate ? `Please return it by ${facts.dueDate}.` : "",
      ].filter(Boolean));
    case "not_supplied":
      return patronNotice(facts, "not_supplied", `Not supplied: ${facts.title}`, [
        `We are sorry: no library in the consortium could supply "${facts.title}" (${ref}).`,
        "Ask at your library about other ways to get it.",
      ]);
    case "overdue":
      return patronNotice(facts, "overdue", `Overdue: ${facts.title}`, [
        `"${facts.title}" (${ref}) was due back on ${facts.dueDate ?? "its due date"}.`,
        `Please return it to ${facts.borrower.name} as soon as you can: it belongs to ${facts.lender?.name ?? "another library"}.`,
      ]);
  }
}
