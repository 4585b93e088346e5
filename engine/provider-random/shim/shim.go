// Package shim exposes the upstream Terraform random provider, whose constructor is in an internal
// package, to the wrapper module in the directory above.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// New returns the plugin-framework provider of the pinned terraform-provider-random.
func New() provider.Provider { return upstream.New() }
