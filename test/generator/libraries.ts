/** The demo consortium's members and how each one catalogues and exports its holdings. */
export interface DemoLibrary {
  code: string;
  name: string;
  timezone: string;
  /** Koha-style 952 items, or MARC 21 852 holdings with a status in $y. */
  holdings: "koha-952" | "marc21-852";
  /** How the member's 001 looks: Koha biblionumbers, III-style "b" numbers or prefixed ids. */
  idStyle: "number" | "bnumber" | "prefixed";
}

export const DEMO_LIBRARIES: readonly DemoLibrary[] = [
  {
    code: "NORTH",
    name: "Northshore Public Library",
    timezone: "America/New_York",
    holdings: "koha-952",
    idStyle: "number",
  },
  {
    code: "EAST",
    name: "Eastfield District Libraries",
    timezone: "America/Chicago",
    holdings: "marc21-852",
    idStyle: "bnumber",
  },
  {
    code: "CITY",
    name: "City Central Library",
    timezone: "Europe/London",
    holdings: "koha-952",
    idStyle: "number",
  },
  {
    code: "UNIV",
    name: "University of the Lakes Library",
    timezone: "America/Denver",
    holdings: "marc21-852",
    idStyle: "prefixed",
  },
  {
    code: "TECH",
    name: "Institute of Technology Library",
    timezone: "Europe/Berlin",
    holdings: "koha-952",
    idStyle: "prefixed",
  },
  {
    code: "HIST",
    name: "Historical Society Reading Room",
    timezone: "America/Los_Angeles",
    holdings: "marc21-852",
    idStyle: "bnumber",
  },
];
