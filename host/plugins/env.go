package plugins

import (
	"github.com/openintegrator/integrator/shared"
)

// passedEnv are the host environment variables a plugin may need: proxies and
// the system's TLS roots. Nothing else of the host's environment reaches a
// plugin.
var passedEnv = []string{
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
	"SSL_CERT_FILE", "SSL_CERT_DIR", "TMPDIR",
}

// ProcsEnv is the host environment variable that sets the plugins'
// GOMAXPROCS (default shared.PluginProcs). The host's own GOMAXPROCS is not
// passed on: it is about the host.
const ProcsEnv = "INTEGRATOR_PLUGIN_GOMAXPROCS"

// Env returns the environment for a plugin process: the variables above
// that are set, the log level, and GOMAXPROCS when ProcsEnv is set.
func Env(getenv func(string) string, logLevel string) []string {
	var env []string
	for _, k := range passedEnv {
		if v := getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	if v := getenv(ProcsEnv); v != "" {
		env = append(env, "GOMAXPROCS="+v)
	}
	return append(env, shared.LogLevelEnv+"="+logLevel)
}
