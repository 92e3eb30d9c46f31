import { controlValue, dataFields, subfieldValues, type MarcRecord } from "../marc/record.ts";

/**
 * The broad format of a record, from leader/06 (type of record) and /07 (bibliographic level),
 * refined by 008, 007, 245 $h (GMD) and 337/338 (RDA media and carrier types):
 * book | ebook | serial | journal | article | audio | music | video | score | map | other.
 */
export function detectFormat(record: MarcRecord): string {
  const type = record.leader[6] ?? " ";
  const level = record.leader[7] ?? " ";
  const f008 = controlValue(record, "008") ?? "";
  const gmd = dataFields(record, "245")
    .flatMap((f) => subfieldValues(f, "h"))
    .join(" ")
    .toLowerCase();

  switch (type) {
    case "a":
    case "t":
      if (level === "s" || level === "i") return f008[21] === "p" ? "journal" : "serial";
      if (level === "a" || level === "b") return "article";
      return isElectronicText(record, f008, gmd) ? "ebook" : "book";
    case "i":
      return "audio";
    case "j":
      return "music";
    case "g":
      return "video";
    case "c":
    case "d":
      return "score";
    case "e":
    case "f":
      return "map";
    case "m":
      return /electronic|computer file/.test(gmd) && level === "m" ? "ebook" : "other";
    default:
      return formatFromGmd(gmd);
  }
}

/** Text is electronic when 008/23 says online/electronic, 007/00 is 'c', or 338 says online. */
function isElectronicText(record: MarcRecord, f008: string, gmd: string): boolean {
  const formOfItem = f008[23];
  if (formOfItem === "o" || formOfItem === "s" || formOfItem === "q") return true;
  if (record.fields.some((f) => f.tag === "007" && "value" in f && f.value.startsWith("c"))) return true;
  if (/electronic resource|computer file/.test(gmd)) return true;
  return dataFields(record, "338").some(
    (f) =>
      subfieldValues(f, "b").includes("cr") || subfieldValues(f, "a").some((a) => /online resource/i.test(a)),
  );
}

/** Records with a damaged or unusual leader: fall back on the GMD in 245 $h. */
function formatFromGmd(gmd: string): string {
  if (/electronic resource|computer file/.test(gmd)) return "ebook";
  if (/sound recording/.test(gmd)) return "audio";
  if (/video|motion picture|film/.test(gmd)) return "video";
  if (/music/.test(gmd)) return "score";
  if (/map|cartographic/.test(gmd)) return "map";
  if (/text|print/.test(gmd)) return "book";
  return "other";
}
