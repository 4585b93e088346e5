// The module path sits under the upstream provider's path so that Go's internal-package rule lets this
// package import github.com/terraform-providers/terraform-provider-random/internal/provider. It is not
// published anywhere: ../go.mod replaces it with this directory.
module github.com/terraform-providers/terraform-provider-random/shim

go 1.26

require (
	github.com/hashicorp/terraform-plugin-framework v1.19.0
	github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260824155315-e1092b0cfc07
)
