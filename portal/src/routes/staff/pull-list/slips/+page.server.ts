import { loadQueue, onPullList } from "$lib/server/staff";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) => loadQueue(event, "lending", onPullList);
