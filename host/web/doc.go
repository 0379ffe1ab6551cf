// Package web is the console: the host's front end in a browser, served by
// `integrator console`. Its handlers call the host core (host/app) and
// render html/template pages; templates and assets are embedded in the
// binary (embed.FS), with no build step and nothing from a CDN.
//
// One file holds the security rules every request passes (security.go):
// the one-time token exchanged for a session cookie, the Host header check
// against DNS rebinding, the refusal of cross-origin requests, the
// response headers (a strict Content-Security-Policy among them) and the
// limits on what a form may post. One file holds the route table
// (routes.go); every route that changes state is a POST.
//
// It is not a second core: what the CLI also does (validating, testing and
// saving a connection, the edit rule for secrets, deleting, trusting a
// plugin) is a use case of host/app that both call.
package web
