package twitterads

import (
	"context"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// CodeNotImplemented marks a capability this version does not have yet.
const CodeNotImplemented = "not_implemented"

func notYet(what string) schema.Diagnostic {
	return schema.Errorf("", CodeNotImplemented, "upgrade the Twitter Ads plugin", "%s is not implemented yet in this version of the Twitter Ads connector", what)
}

// Ping is not implemented yet.
func (c *Connector) Ping(context.Context, schema.Config) (shared.PingResult, error) {
	return shared.PingResult{Diagnostics: schema.Diagnostics{notYet("the connection test")}}, nil
}

// DoRequest is not implemented yet.
func (c *Connector) DoRequest(context.Context, schema.Config, shared.Request) (*shared.Response, error) {
	return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: schema.Diagnostics{notYet("sending API requests")}}}, nil
}
