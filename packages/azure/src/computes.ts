/**
 * A workspace's computes and where they sit (`Compute_List`, arm-machinelearning 2.1.1,
 * api-version 2022-10-01), one paged list per workspace and session: their names for the managed
 * isolation rule, and for the placement rules (core's `computePlacement` fact) each compute
 * instance's and cluster's subnet (`properties.subnet.id`) and public IP
 * (`enableNodePublicIp`; a cluster's defaults to true per the spec), and an AKS compute's subnet
 * (`aksNetworkingConfiguration.subnetId`). An attached `Kubernetes` compute reports no subnet.
 */
import type { Aks, AmlCompute, ComputeInstance, ComputeResource } from "@azure/arm-machinelearning";
import type { ComputePlacement, WorkspaceRef } from "@pfnet/core";
import { type ReadSession, workspaceKey } from "./read.js";

/** One listed compute in core's vocabulary (no Azure type names past this point). */
export function computePlacementOf(compute: ComputeResource): ComputePlacement | undefined {
  const name = compute.name;
  const properties = compute.properties;
  if (!name || !properties) return undefined;
  switch (properties.computeType) {
    case "ComputeInstance": {
      const inner = (properties as ComputeInstance).properties;
      return {
        name,
        type: "computeInstance",
        ...(inner?.subnet?.id ? { subnetId: inner.subnet.id } : {}),
        ...(typeof inner?.enableNodePublicIp === "boolean" ? { publicIp: inner.enableNodePublicIp } : {}),
      };
    }
    case "AmlCompute": {
      const inner = (properties as AmlCompute).properties;
      return {
        name,
        type: "computeCluster",
        ...(inner?.subnet?.id ? { subnetId: inner.subnet.id } : {}),
        // machineLearningServices.json 2022-10-01: AmlComputeProperties.enableNodePublicIp default true.
        publicIp: inner?.enableNodePublicIp ?? true,
      };
    }
    case "AKS": {
      const subnetId = (properties as Aks).properties?.aksNetworkingConfiguration?.subnetId;
      return { name, type: "kubernetes", ...(subnetId ? { subnetId } : {}) };
    }
    case "Kubernetes":
      return { name, type: "kubernetes" };
    default:
      return { name, type: "other" };
  }
}

/** The workspace's computes with where they sit, once per session. */
export function workspaceComputes(session: ReadSession, ws: WorkspaceRef): Promise<ComputePlacement[]> {
  return session.cached("computes", workspaceKey(ws), async () => {
    const client = await session.clients.machineLearning(ws.subscriptionId);
    const found: ComputePlacement[] = [];
    await session.clients.sdk(async () => {
      for await (const compute of client.computeOperations.list(ws.resourceGroup, ws.name, {
        abortSignal: session.signal,
      })) {
        const placement = computePlacementOf(compute);
        if (placement) found.push(placement);
      }
    });
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  });
}
