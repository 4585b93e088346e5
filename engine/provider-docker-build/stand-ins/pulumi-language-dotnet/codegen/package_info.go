// Package codegen stands in for pulumi-dotnet's C# code generator, which the Go module proxy does not
// serve at any version. The docker-build provider imports it only for the struct it puts under "csharp"
// in its schema's language map (read by SDK generators, never by the engine); fields and JSON names are
// those of that section in the provider's own committed schema.json.
package codegen

type CSharpPackageInfo struct {
	PackageReferences    map[string]string `json:"packageReferences,omitempty"`
	RespectSchemaVersion bool              `json:"respectSchemaVersion,omitempty"`
}
