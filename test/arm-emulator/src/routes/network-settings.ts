/**
 * What the PATCHes of a resource's own network settings share (target-network.ts,
 * dependency-network.ts): the body's `properties`, and the change landing at once (200) or, in the
 * accepted form, at its operation's end, with `provisioningState` and a new etag either way.
 */
import type { Ctx, Reply } from "../http.js";
import { acceptedAsync, lroForm } from "../http.js";
import type { ArmResource } from "../state/model.js";
import { ArmError, clone, isObject, type JsonObject } from "../util.js";
import { bodyObject } from "./common.js";

export const badContent = (message: string) => new ArmError(400, "InvalidRequestContent", message);

/** The body's `properties` (an object, or empty when left out). */
export function propertiesOf(ctx: Ctx): JsonObject {
  const body = bodyObject(ctx);
  if (body.properties !== undefined && !isObject(body.properties))
    throw badContent("properties must be an object.");
  return (body.properties as JsonObject | undefined) ?? {};
}

export interface NetworkSettingsPatch {
  /** Writes the validated settings into the resource. */
  apply: () => void;
  /** The resource's JSON as its GET answers it. */
  json: (r: ArmResource) => JsonObject;
  /** Set when the spec declares a long-running form. */
  accepted?: {
    namespace: string;
    minutes: number;
    /** `provisioningState` while the operation runs. */
    state: string;
    /** 201 or 202, as the spec declares. */
    status: number;
    /** Location as well as Azure-AsyncOperation. */
    withLocation?: boolean;
  };
}

export function landNetworkSettings(ctx: Ctx, r: ArmResource, patch: NetworkSettingsPatch): Reply {
  const body = bodyObject(ctx);
  const settle = () => {
    patch.apply();
    if (body.tags !== undefined) r.tags = clone(body.tags);
    r.properties.provisioningState = "Succeeded";
    r.etag = ctx.model.newEtag();
  };
  const accepted = patch.accepted;
  if (accepted && lroForm(ctx, ["sync", "accepted"]) === "accepted") {
    r.properties.provisioningState = accepted.state;
    const op = ctx.model.createOperation({
      namespace: accepted.namespace,
      location: r.location,
      apiVersion: ctx.apiVersion,
      doneAt: ctx.clock.now() + ctx.clock.ms(accepted.minutes),
      failAtEnd: ctx.failLro,
      result: () => ({ status: 200, body: patch.json(r) }),
      onDone: settle,
      onFail: () => {
        r.properties.provisioningState = "Failed";
      },
    });
    return acceptedAsync(ctx, op, accepted.status, patch.json(r), accepted.withLocation ?? false);
  }
  settle();
  return { status: 200, body: patch.json(r) };
}
