package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/openintegrator/integrator/host/iostreams"
)

// No message names an option that does not exist: every --flag in a
// string of the host's, the plugins' and the contract's code (tests
// aside) is a flag of some integrator command, or of the simulator's and
// benchmarks' own programs, whose flags are checked alike.
func TestMessagesNameOnlyFlagsThatExist(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	flags := map[string]bool{"help": true}
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		cmd.InitDefaultHelpFlag()
		cmd.InitDefaultVersionFlag()
		cmd.Flags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
		cmd.PersistentFlags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(&Factory{IO: ios, Getenv: func(string) string { return "" }}))

	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	// --flag, or ⟪flag⟫: an option a run's message names, which the CLI
	// writes as its flag (flagName).
	flagRE := regexp.MustCompile(`(?:(?:^|[\s(\x60'"])--|⟪)([a-z][a-z0-9]*(?:-[a-z0-9]+)*)`)
	checked := 0
	for _, dir := range []string{"host", "plugin", "shared", "schema"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, ".pb.") {
				return err
			}
			// Programs with flags of their own: the simulator, benchmarks.
			// The run manager's options are the console's form fields,
			// which its own word function names.
			if strings.Contains(path, filepath.Join("plugin", "cmd", "twitter-ads-sim")) || strings.Contains(path, filepath.Join("plugin", "bench")) ||
				strings.HasSuffix(path, filepath.Join("host", "app", "runs_manager.go")) {
				return nil
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				for _, m := range flagRE.FindAllStringSubmatch(s, -1) {
					checked++
					if !flags[m[1]] {
						rel, _ := filepath.Rel(root, path)
						t.Errorf("%s:%d names --%s, which no integrator command has", rel, fset.Position(lit.Pos()).Line, m[1])
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 50 {
		t.Errorf("only %d flag names found in messages: the scan is broken", checked)
	}
}
