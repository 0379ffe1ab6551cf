package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the layout's import rules true: schema imports
// nothing of the project; shared imports schema only; plugin and host never
// import each other; the CLI reaches the host's store, flows, plugins,
// connections and keys only through the host core (host/app), which only
// front ends and the binary import; the signed-HTTP engine and the flows
// know no connector. Test files are not checked: tests may start binaries.
func TestImportRules(t *testing.T) {
	const mod = "github.com/openintegrator/integrator/"
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = moduleRoot()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			dep := strings.TrimPrefix(imp, mod)
			if reason := forbidden(pkg, dep); reason != "" {
				t.Errorf("%s imports %s: %s", pkg, dep, reason)
			}
		}
	}
}

func under(pkg, top string) bool { return pkg == top || strings.HasPrefix(pkg, top+"/") }

func forbidden(pkg, dep string) string {
	switch {
	case under(pkg, "schema") && !under(dep, "schema"):
		return "schema imports nothing of the project"
	case under(pkg, "shared") && !under(dep, "schema") && !under(dep, "shared"):
		return "shared imports schema only"
	case under(pkg, "plugin") && under(dep, "host"):
		return "plugin code never imports host code"
	case under(pkg, "host") && under(dep, "plugin"):
		return "host code never imports plugin code"
	case under(pkg, "host/cli") && under(dep, "host") && !under(dep, "host/app") && !under(dep, "host/iostreams") && !under(dep, "host/web"):
		return "the CLI is flags, a call of the host core (host/app) and rendering: it imports host/app and host/iostreams, nothing else of host (and host/web, whose console it serves as one of its commands)"
	case under(pkg, "host/web") && under(dep, "host") && !under(dep, "host/app"):
		return "the console is handlers, a call of the host core (host/app) and pages: it imports host/app, nothing else of host"
	case under(dep, "host/web") && !under(pkg, "host/cli") && !under(pkg, "host/cmd"):
		return "only the CLI's console command and the binary import the console"
	case under(dep, "host/cli") && !under(pkg, "host/cmd"):
		return "only the binary imports the CLI"
	case under(dep, "host/app") && !frontEnd(pkg):
		return "the host core is imported by front ends (the CLI, the binary) only: what it uses lies below it"
	case under(pkg, "plugin/httpconn") && !under(dep, "schema") && !under(dep, "shared"):
		return "the signed-HTTP engine knows no connector: it imports schema and shared only (a connector hands it a Signer)"
	case under(pkg, "host/flows") && !under(dep, "schema") && !under(dep, "shared") && !under(dep, "host/store"):
		return "the flows know no connector and no front end: schema, shared and the store only"
	}
	return ""
}

// frontEnd reports whether pkg is a front end of the host core.
func frontEnd(pkg string) bool {
	return under(pkg, "host/cli") || under(pkg, "host/cmd") || under(pkg, "host/web")
}
