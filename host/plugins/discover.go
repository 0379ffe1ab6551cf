package plugins

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/openintegrator/integrator/schema"
)

// Prefix starts the file name of every connector plugin.
const Prefix = "integrator-connector-"

// Candidate is a file in a plugin folder whose name says it is a plugin.
type Candidate struct {
	Type string // from the file name
	Path string
	// ResolvedPath is the file Path leads to when Path is a symlink (at
	// discovery: the link may change later; what runs is the verified
	// copy of the bytes that were read), "" otherwise.
	ResolvedPath string
	// Problem says why the file cannot be used, before it is started; "" when
	// it looks usable.
	Problem string
	// ShadowedBy is the path of the plugin of the same type found in a
	// folder searched earlier; this one is not used.
	ShadowedBy string
}

// Dirs returns the plugin folders in the order they are searched: each
// --plugin-dir as given, then the home folder's plugins, then the plugins
// folder beside the integrator binary. Duplicates are dropped.
func Dirs(flagDirs []string, homePluginDir, exeDir string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(d string) {
		if d == "" {
			return
		}
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, d := range flagDirs {
		add(d)
	}
	add(homePluginDir)
	if exeDir != "" {
		add(filepath.Join(exeDir, "plugins"))
	}
	return out
}

// Discover lists the plugin candidates in dirs. A folder that does not exist
// is skipped; one that cannot be read is an error. Within a folder files are
// taken in name order; across folders the first plugin of a type wins and
// later ones are marked ShadowedBy.
func Discover(dirs []string) ([]Candidate, error) {
	var out []Candidate
	first := map[string]string{}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading plugin folder %s: %w", dir, err)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), Prefix) {
				continue
			}
			c := inspect(filepath.Join(dir, e.Name()))
			if c.Problem == "" {
				if prev, ok := first[c.Type]; ok {
					c.ShadowedBy = prev
				} else {
					first[c.Type] = c.Path
				}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func inspect(path string) Candidate {
	name := filepath.Base(path)
	c := Candidate{Type: strings.TrimPrefix(name, Prefix), Path: path}
	if !schema.ValidType(c.Type) {
		c.Problem = fmt.Sprintf("the name is not %s<type> with a type of lower-case words joined by hyphens", Prefix)
		return c
	}
	if l, err := os.Lstat(path); err == nil && l.Mode()&fs.ModeSymlink != 0 {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			c.ResolvedPath = real
		}
	}
	info, err := os.Stat(path) // follows symlinks
	switch {
	case err != nil:
		c.Problem = fmt.Sprintf("cannot read it: %v", err)
	case info.IsDir():
		c.Problem = "it is a folder, not a program"
	case !info.Mode().IsRegular():
		c.Problem = "it is not a regular file"
	case info.Mode().Perm()&0o111 == 0:
		c.Problem = "it is not executable (chmod +x " + path + ")"
	}
	return c
}
