import { strict as assert } from "assert";
import { parse } from "yaml";
import {
  LOCAL_PATH_NAMESPACE,
  LOCAL_PATH_PROVISIONER,
  localPathConfig,
  localPathHelperPod,
  localPathHelperStage,
  localPathObjects,
} from "../../../engine/cluster/local-path";

const objects = () =>
  localPathObjects()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("the local cluster's volumes (local-path)", () => {
  it("the default StorageClass binds on the pod's node, with the provisioner the cluster runs", () => {
    const classes = objects().filter((o) => o.kind === "StorageClass");
    assert.equal(classes.length, 1);
    const [sc] = classes;
    assert.equal(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
    assert.equal(sc.provisioner, LOCAL_PATH_PROVISIONER);
    assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
  });

  it("the helper's namespace admits its hostPath mount, and its scripts make a directory any uid can write", () => {
    const ns = objects().find((o) => o.kind === "Namespace");
    assert.equal(ns.metadata.name, LOCAL_PATH_NAMESPACE);
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
    const scripts = objects().find((o) => o.kind === "ConfigMap").data;
    assert.match(scripts.setup, /mkdir -m 0777 -p "\$VOL_DIR"/);
    assert.match(scripts.teardown, /rm -rf "\$VOL_DIR"/);
  });

  it("every node keeps its volumes under the one directory given", () => {
    assert.deepEqual(JSON.parse(localPathConfig("/v")).nodePathMap, [
      { node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: ["/v"] },
    ]);
    const pod = JSON.parse(localPathHelperPod("registry/base:1"));
    assert.equal(pod.spec.containers[0].image, "registry/base:1");
  });

  it("KWOK completes the helper pods of fake nodes (and only pods of the helper's namespace)", () => {
    const stage = parse(localPathHelperStage());
    assert.equal(stage.kind, "Stage");
    const namespace = stage.spec.selector.matchExpressions.find(
      (e: { key: string }) => e.key === ".metadata.namespace",
    );
    assert.deepEqual(namespace.values, [LOCAL_PATH_NAMESPACE]);
    assert.match(stage.spec.next.statusTemplate, /phase: Succeeded/);
  });
});
