// Package java stands in for pulumi-java's Java code generator, which the Go module proxy does not serve
// at any version. The docker-build provider imports it for one thing only: the struct it puts under
// "java" in its schema's language map (read by SDK generators, never by the engine). The fields and JSON
// names are those of that section in the provider's own committed schema.json; an e2e spec
// (test/e2e/cluster.e2e.ts) checks that the schema the binary serves equals it.
package java

type PackageInfo struct {
	BasePackage                     string            `json:"basePackage"`
	BuildFiles                      string            `json:"buildFiles"`
	Dependencies                    map[string]string `json:"dependencies,omitempty"`
	GradleNexusPublishPluginVersion string            `json:"gradleNexusPublishPluginVersion,omitempty"`
	GradleTest                      string            `json:"gradleTest"`
}
