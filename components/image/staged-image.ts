import * as dockerbuild from "@pulumi/docker-build";
import type { Platform } from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";

import { BaseImages, baseImageBuildArgs } from "./base-images";
import { assertNoSecretBuildArgs, BuildContextSpec, BuildTarget, planImageBuild, pushedDigestRef } from "./build-plan";
import { CacheOptions } from "./cache";
import { resolvedContextLocation } from "./git-source";
import { ImageSizeBudget } from "./size-budget-check";
import { TagStrategy } from "./tags";
import { ImageVulnerabilityGate } from "./vulnerability-gate";
import { isExpired, scanDatabaseKey, utcDay, type AllowEntry, type ScanDbSource } from "./vulnerability-scan";
import type { ScanMode, Severity } from "../../lib/vulnerability-scan-contract";

/** Credentials of the registry the image is pushed to. */
export interface RegistryAuth {
  /** User name (or `AWS`, `oauth2accesstoken`, … for cloud registries). */
  username: pulumi.Input<string>;
  /** Password or token. Made a Pulumi secret here whatever it is given as; never a build arg. */
  password: pulumi.Input<string>;
}

/**
 * Everything the build is made from, complete: the platform fills it from the settings, which checked
 * every value (this component adds no defaults and re-checks nothing).
 */
export interface StagedImageArgs {
  /**
   * Fully qualified repository without tag, `host[:port]/path` (e.g. `ghcr.io/acme/moontv`,
   * `127.0.0.1:5000/moontv`). Tags, caches and the size check all use it.
   */
  repository: string;
  /**
   * Build context: a local directory, or a git URL with a branch, tag or commit (`gitRef`) and
   * optionally a `subdirectory`.
   */
  context: BuildContextSpec;
  /**
   * Dockerfile text, passed inline (not a path) so that policies and the offline preview read exactly
   * what is built.
   */
  dockerfile: string;
  /** Stage to ship: `runner` (distroless) or `debug` (same files on the build base, with a shell). */
  target: BuildTarget;
  /**
   * Platforms, at least one and none twice, e.g. `["linux/amd64", "linux/arm64"]`. One image is built per
   * platform; more than one are joined by an index (which needs `push`).
   */
  platforms: Platform[];
  /**
   * Build args of the Dockerfile (versions, OCI label values, …). Never secrets: names that look like
   * one (PASSWORD, TOKEN, SECRET, …) are refused.
   */
  buildArgs: Record<string, pulumi.Input<string>>;
  /**
   * Build and runtime bases; set BUILD_BASE_IMAGE and RUNTIME_BASE_IMAGE (over `buildArgs`). With
   * `pin: true` bases not given as `name@sha256:…` are resolved to their digest.
   */
  baseImages: BaseImages;
  /**
   * Tag strategy: `version`, `gitSha` (tagged `sha-<7>`), `stack` (always), `latest`. All tags are
   * `repository:tag`.
   */
  tags: TagStrategy;
  /**
   * Name of the buildx builder that runs the build (docker-build's `builder`): a `docker-container`,
   * `kubernetes` or `remote` builder in the buildx store (`$BUILDX_CONFIG`). Unset: buildx's current
   * builder.
   */
  builder?: string;
  /** Push the images (and the index) to the registry; several platforms need it. Only what is pushed is measured. */
  push: boolean;
  /** Build during `pulumi preview` too (catches a broken Dockerfile before `up`; never pushes). */
  buildOnPreview: boolean;
  /** Registry credentials, passed to BuildKit as `registries` (and to the size check). Unset: none. */
  registry?: RegistryAuth;
  /**
   * Force http or https for the size check's registry API calls. Unset: https, falling back to http
   * for 127.0.0.1 / localhost when https cannot connect (BuildKit decides for itself from its own config).
   */
  registryScheme?: "http" | "https";
  /**
   * Registry cache: every platform writes `<repo>:cache-<arch>` (mode max) and reads it plus main's
   * `<repo>:cache-<arch>-main`, which builds of `mainBranch` also write. Give the current `branch` so
   * that main builds publish the main cache; without it the main cache is only read.
   */
  cache: CacheOptions;
  /**
   * Largest allowed compressed size of each platform, a positive number of MiB. Put on each build as the
   * label `dev.moontv.size-budget-mib` and checked after the push: an image over budget fails the update
   * before the app rolls out. Unset: no budget (sizes are still measured when pushed).
   */
  sizeBudgetMiB?: number;
  /**
   * The vulnerability gate (moontv:image.scan): Trivy scans the pushed digest, every platform, after the
   * push; `enforce` fails the update on a finding over the threshold. Unset or mode `off`: no gate.
   */
  scan?: {
    mode: ScanMode;
    failOn: readonly Severity[];
    ignoreUnfixed: boolean;
    allow: readonly AllowEntry[];
    db: ScanDbSource;
  };
  /** Extra image labels. Unset: none. */
  labels?: Record<string, string>;
}

function readTextOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** An output whose value is not known yet (an Output resolving to `pulumi.unknown` is unknown). */
function unknownString(): pulumi.Output<string> {
  return pulumi.output(Promise.resolve(pulumi.unknown as unknown as string));
}

/**
 * The MoonTV image: one docker-build Image per platform, each with its own registry cache, joined by
 * an Index when there are several platforms, then measured against its size budget.
 */
export class StagedImage extends pulumi.ComponentResource {
  /** `repository@sha256:…`: the index digest when multi-platform, the image digest otherwise. */
  readonly ref: pulumi.Output<string>;
  /** Fully qualified tags, primary first. */
  readonly tags: string[];
  /** Compressed bytes per platform, measured in the registry after the push (`{}` when not pushed). */
  readonly sizes: pulumi.Output<Record<string, number>>;
  /** One build per platform, in platform order. */
  readonly images: dockerbuild.Image[];
  /** Indexes, one per tag (an Index carries a single tag); empty for a single platform. */
  readonly indexes: dockerbuild.Index[];
  readonly sizeCheck?: ImageSizeBudget;
  /** The vulnerability gate, when the image is pushed and the scan is not off. */
  readonly scanGate?: ImageVulnerabilityGate;

  constructor(name: string, args: StagedImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moontv:image:StagedImage", name, {}, opts);
    const plan = planImageBuild(args);
    const push = args.push;
    assertNoSecretBuildArgs(Object.keys(args.buildArgs));

    const password = args.registry ? pulumi.secret(args.registry.password) : undefined;
    const registry = args.registry
      ? { address: plan.registryAddress, username: args.registry.username, password }
      : undefined;
    const buildArgs = pulumi
      .all([pulumi.output(args.buildArgs), baseImageBuildArgs(args.baseImages)])
      .apply(([given, bases]) => ({ ...given, ...bases }));

    this.tags = plan.tags.map((t) => t.ref);
    // Pushed manifests outlive the stack: docker-build deletes by digest, and a digest is shared by every
    // tag and stack that built the same content (a dev stack and prod building one commit), so a destroy
    // would pull an image another stack still runs. Old images are the registry's retention policy's job.
    const keep: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: true };
    this.images = plan.images.map(
      (img) =>
        new dockerbuild.Image(
          `${name}-${img.slug}`,
          {
            ...(args.builder ? { builder: { name: args.builder } } : {}),
            context: { location: resolvedContextLocation(args.context) },
            dockerfile: { inline: args.dockerfile },
            target: plan.target,
            platforms: [img.platform],
            buildArgs,
            labels: plan.labels,
            tags: img.tags,
            cacheFrom: img.cacheFrom,
            cacheTo: img.cacheTo,
            push,
            buildOnPreview: args.buildOnPreview,
            registries: registry ? [registry] : [],
          },
          keep,
        ),
    );
    this.indexes = plan.multiPlatform
      ? plan.tags.map(
          (tag) =>
            new dockerbuild.Index(
              `${name}-index-${tag.kind}`,
              { sources: this.images.map((i) => i.ref), tag: tag.ref, push, registry },
              keep,
            ),
        )
      : [];

    const pushed = this.indexes[0] ?? this.images[0];
    // A preview that does not build gets no digest from docker-build: the ref is then unknown (as any
    // output computed by an update), so the preview shows the app's image changing instead of failing.
    const toRef = (digestOrRef: string): pulumi.Output<string> => {
      const ref = pushedDigestRef(plan.repository, digestOrRef, pulumi.runtime.isDryRun());
      return ref === undefined ? unknownString() : pulumi.output(ref);
    };
    this.ref = push
      ? plan.multiPlatform
        ? this.indexes[0].ref.apply(toRef)
        : this.images[0].digest.apply(toRef)
      : pulumi.output(plan.tags[0].ref); // nothing pushed, so no digest to pin: the primary tag.

    if (push) {
      this.sizeCheck = new ImageSizeBudget(
        `${name}-size`,
        {
          imageRef: this.ref,
          sizeBudgetMiB: args.sizeBudgetMiB,
          registryUsername: args.registry?.username,
          registryPassword: password,
          registryScheme: args.registryScheme,
        },
        { parent: this, dependsOn: [pushed] },
      );
      this.sizes = this.sizeCheck.sizes;
      const scan = args.scan;
      if (scan && scan.mode !== "off") {
        const today = utcDay();
        this.scanGate = new ImageVulnerabilityGate(
          `${name}-scan`,
          {
            imageRef: this.ref,
            mode: scan.mode,
            failOn: scan.failOn,
            ignoreUnfixed: scan.ignoreUnfixed,
            allow: scan.allow,
            db: scan.db,
            dbKey: scanDatabaseKey(scan.db, readTextOrUndefined, today),
            lapsed: scan.allow.filter((e) => isExpired(e, today)).map((e) => e.id),
            registryUsername: args.registry?.username,
            registryPassword: password,
            registryScheme: args.registryScheme,
          },
          { parent: this, dependsOn: [pushed] },
        );
        // Advisory: what enforce would have stopped on, as warnings of this update.
        if (scan.mode === "advisory") {
          const gate = this.scanGate;
          gate.warnings.apply((warnings) => {
            for (const w of warnings ?? []) pulumi.log.warn(`vulnerability gate (advisory): ${w}`, gate);
          });
        }
      }
    } else {
      this.sizes = pulumi.output<Record<string, number>>({});
    }

    this.registerOutputs({ ref: this.ref, tags: this.tags, sizes: this.sizes });
  }
}
