package plugins

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// RunDir is a host process's private folder for its plugins' Unix sockets,
// <base>/host-<random>, mode 0700: go-plugin makes a folder (0700) in it
// for each plugin process, and removes it when the process is stopped. The
// host holds a lock on the folder for as long as it runs, and Close removes
// it; the folder of a host that was killed (SIGKILL) stays, with its lock
// free, and the next host that opens a RunDir in the same base removes it.
type RunDir struct {
	Path string
	lock *os.File
}

// runDirPrefix starts the name of each host's folder.
const runDirPrefix = "host-"

// socketOverhead is how much longer than a RunDir's base the path of a
// plugin's socket can get: /host-<10 digits>/plugin-dir<10 digits>/plugin<10
// digits> (go-plugin's names).
const socketOverhead = 1 + len(runDirPrefix) + 10 + len("/plugin-dir") + 10 + len("/plugin") + 10

// maxSocketPath is the longest path a Unix socket may have (sun_path,
// without its closing NUL).
func maxSocketPath() int {
	if runtime.GOOS == "linux" {
		return 107
	}
	return 103
}

// RunBase picks the folder that holds the hosts' RunDirs:
// $XDG_RUNTIME_DIR/integrator when XDG_RUNTIME_DIR is set (the place the
// system keeps for a user's sockets), else <home>/run. A Unix socket path
// is short (107 bytes on Linux); when the one under home would be longer,
// the base is integrator-<uid> in the temporary folder, private all the
// same.
func RunBase(getenv func(string) string, home string) (string, error) {
	if x := getenv("XDG_RUNTIME_DIR"); x != "" && filepath.IsAbs(x) {
		base := filepath.Join(x, "integrator")
		if len(base)+socketOverhead <= maxSocketPath() {
			return base, nil
		}
	}
	base := filepath.Join(home, "run")
	if len(base)+socketOverhead <= maxSocketPath() {
		return base, nil
	}
	base = filepath.Join(os.TempDir(), "integrator-"+strconv.Itoa(os.Geteuid()))
	if len(base)+socketOverhead > maxSocketPath() {
		return "", fmt.Errorf("no folder for plugin sockets is short enough for a Unix socket path (%d bytes): "+
			"set XDG_RUNTIME_DIR, or INTEGRATOR_HOME to a shorter path", maxSocketPath())
	}
	return base, nil
}

// OpenRunDir removes the folders in base of hosts that are gone, then makes
// and locks a folder for this host. base is made (0700) when missing, and
// must be private to the user.
func OpenRunDir(base string) (*RunDir, error) {
	if err := privateDir(base); err != nil {
		return nil, fmt.Errorf("the folder for plugin sockets: %w", err)
	}
	sweepRunDirs(base)
	for attempt := 0; attempt < 10; attempt++ {
		path, err := os.MkdirTemp(base, runDirPrefix) // mode 0700
		if err != nil {
			return nil, fmt.Errorf("making a folder for plugin sockets: %w", err)
		}
		f, err := openDir(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // swept by another host before we could lock it: make another
		}
		if err != nil {
			return nil, fmt.Errorf("making a folder for plugin sockets: %w", err)
		}
		// Another host sweeping base may have taken the folder for a dead
		// host's between MkdirTemp and the lock: then it is gone, or locked.
		if lockOwn(f) && samePath(f, path) {
			return &RunDir{Path: path, lock: f}, nil
		}
		f.Close()
	}
	return nil, errors.New("could not make a folder for plugin sockets: other hosts kept removing it")
}

// Close removes the folder and releases the lock. Stop every plugin first.
func (d *RunDir) Close() error {
	if d == nil || d.lock == nil {
		return nil
	}
	err := os.RemoveAll(d.Path)
	d.lock.Close()
	d.lock = nil
	return err
}

// sweepRunDirs removes the folders in base whose host is gone: their lock
// can be taken. A folder is removed while its lock is held, so a host that
// just made it (and has yet to lock it) notices and makes another.
func sweepRunDirs(base string) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), runDirPrefix) {
			continue
		}
		path := filepath.Join(base, e.Name())
		f, err := openDir(path)
		if err != nil {
			continue
		}
		if lockStale(f) {
			_ = os.RemoveAll(path)
		}
		f.Close()
	}
}

// samePath reports whether path still names the folder f has open.
func samePath(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Lstat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}
