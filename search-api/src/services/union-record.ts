import type { NormalisedBib } from "@interlend/harvester/normalise/types";
import type { UnionRecordRows } from "../repositories/union-records.ts";

function ageInWords(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** The union record as the API shows it: the richest description, then members and holdings. */
export function presentUnionRecord(clusterId: number, rows: UnionRecordRows) {
  const members = rows.bibs.map((b) => ({
    bibId: b.id,
    library: b.code,
    libraryName: b.name,
    localId: b.local_id,
    harvestedAt: b.updated_at,
    bib: JSON.parse(b.data) as NormalisedBib,
    marc: JSON.parse(b.marc) as unknown,
  }));
  const face = [...members].sort((a, b) => JSON.stringify(b.bib).length - JSON.stringify(a.bib).length)[0]!.bib;
  const memberOfBib = new Map(members.map((m) => [m.bibId, m]));
  const holdings = new Map<string, { library: string; libraryName: string; items: unknown[] }>();
  for (const item of rows.items) {
    const member = memberOfBib.get(item.bib_id)!;
    const group = holdings.get(member.library) ?? { library: member.library, libraryName: member.libraryName, items: [] };
    group.items.push({
      barcode: item.barcode,
      callNumber: item.call_number,
      location: item.location,
      status: item.status,
      dueDate: item.due_date,
      lendable: item.lendable === 1,
      loanType: item.loan_type,
      statusAge: `as harvested ${ageInWords(member.harvestedAt)}`,
    });
    holdings.set(member.library, group);
  }
  return {
    id: String(clusterId),
    ...face,
    members: members.map(({ bibId: _bibId, ...m }) => m),
    holdings: [...holdings.values()],
  };
}
