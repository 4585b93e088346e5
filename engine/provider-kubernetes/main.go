// Command pulumi-resource-kubernetes serves the Kubernetes provider of the pinned module.
//
// The upstream main embeds schema-embed.json, a file generated at release time and not in the module;
// engine/build.sh copies the module's committed schema.json and terraform-mapping.json beside this file
// (gitignored) and this main stamps the version into the schema as the upstream generator does.
package main

import (
	_ "embed"
	"encoding/json"
	"log"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	var spec map[string]any
	if err := json.Unmarshal(schema, &spec); err != nil {
		log.Fatalf("schema.json: %v", err)
	}
	spec["version"] = version.Version
	versioned, err := json.Marshal(spec)
	if err != nil {
		log.Fatalf("schema.json: %v", err)
	}
	provider.Serve("kubernetes", version.Version, versioned, terraformMapping)
}
