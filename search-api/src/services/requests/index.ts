export * from "./transitions.ts";
export { actorOf, rolesFor, SYSTEM, type Actor } from "./access.ts";
export { applyAction, illegalTransition, NoticeQueue, type TransitionContext } from "./lifecycle.ts";
export { placeRequest, type PlaceRequestInput, type PlaceRequestOptions, type PlaceRequestResult } from "./place.ts";
export { performAction, visibleRequest, type ActionInput } from "./actions.ts";
export { presentRequest, presentRequests, type RequestView } from "./present.ts";
export { borrowingQueue, lendingQueue } from "./queues.ts";
export { buildRota, parseRota, withPromisedCopies, type RotaEntry } from "./rota.ts";
