/** Small OAI-PMH documents for the fault tests. */
const OPEN = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-06-02T00:00:00Z</responseDate><request>http://x/oai</request>`;
const CLOSE = "</OAI-PMH>";

export function marcXml(id: string, title: string, leader = "00000nam a2200000 a 4500"): string {
  return `<record xmlns="http://www.loc.gov/MARC21/slim"><leader>${leader}</leader><controlfield tag="001">${id}</controlfield><datafield tag="245" ind1="1" ind2="0"><subfield code="a">${title}</subfield></datafield></record>`;
}

export function oaiRecord(identifier: string, datestamp: string, metadata?: string): string {
  const header = `<header${metadata === undefined ? ' status="deleted"' : ""}><identifier>${identifier}</identifier><datestamp>${datestamp}</datestamp></header>`;
  return `<record>${header}${metadata === undefined ? "" : `<metadata>${metadata}</metadata>`}</record>`;
}

export function listRecords(records: string[], token?: string, tokenAttributes = ""): string {
  const tokenXml = token === undefined ? "" : `<resumptionToken${tokenAttributes}>${token}</resumptionToken>`;
  return `${OPEN}<ListRecords>${records.join("")}${tokenXml}</ListRecords>${CLOSE}`;
}

export function oaiErrorXml(code: string, message = ""): string {
  return `${OPEN}<error code="${code}">${message}</error>${CLOSE}`;
}

export function identifyXml(granularity: string): string {
  return `${OPEN}<Identify><repositoryName>Fault server</repositoryName><baseURL>http://x/oai</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>a@b.c</adminEmail><earliestDatestamp>2000-01-01</earliestDatestamp><deletedRecord>persistent</deletedRecord><granularity>${granularity}</granularity></Identify>${CLOSE}`;
}

/** n records p<start>..: "rec-N" with title "Title N", datestamp 2024-01-0N. */
export function numbered(start: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i;
    return oaiRecord(
      `oai:x:${n}`,
      `2024-01-${String((n % 28) + 1).padStart(2, "0")}`,
      marcXml(`rec-${n}`, `Title ${n}`),
    );
  });
}

/** The "billion laughs" entity expansion attack. */
export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&lol9;</responseDate><ListRecords/></OAI-PMH>`;
