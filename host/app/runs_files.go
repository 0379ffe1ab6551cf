package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A run the RunManager starts keeps its files in a folder of its own,
// $INTEGRATOR_HOME/runs/ID (0700): the import's input, received there
// before the run starts, and the run's outputs, which the flows write as
// .part files and put in place when complete. No caller names a path.
const (
	runsFolder     = "runs"
	inputFileName  = "input.jsonl"
	outputFileName = "output.jsonl"
	resultsName    = "results.jsonl"
	errorsName     = "errors.jsonl"
)

// The files of a run that can be downloaded, by name.
const (
	FileOutput  = "output"  // an export's records or a report's rows
	FileResults = "results" // an import's result lines
	FileErrors  = "errors"  // the input lines of an import's records that failed
)

// DefaultMaxInputBytes is the default limit on an import's input file.
const DefaultMaxInputBytes = 256 << 20

// RunFile is a file a run wrote, which can be downloaded.
type RunFile struct {
	Name     string `json:"name"`      // FileOutput, FileResults or FileErrors
	FileName string `json:"file_name"` // a name to save it as: export-ID-output.jsonl
	Path     string `json:"path"`
	Size     int64  `json:"size"`
}

// runFileNames are the files each kind of run writes, in the order they
// are listed.
var runFileNames = map[string][]string{
	"export": {FileOutput},
	"report": {FileOutput},
	"import": {FileResults, FileErrors},
}

// fileNames map a file's name to its name in the run's folder.
var fileNames = map[string]string{FileOutput: outputFileName, FileResults: resultsName, FileErrors: errorsName}

// newRunID returns a random run id: 16 lower-case hex digits.
func newRunID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ValidRunID reports whether id is written as a run id is (16 lower-case
// hex digits), so that it can name a folder.
func ValidRunID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// runDir returns the folder of run id (a valid id).
func (m *RunManager) runDir(id string) (string, error) {
	h, err := m.a.HomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(h, runsFolder, id), nil
}

// makeRunDir makes the folder of a new run.
func (m *RunManager) makeRunDir(id string) (string, error) {
	dir, err := m.runDir(id)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return "", err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", fmt.Errorf("making the run's folder: %w", err)
	}
	return dir, nil
}

// files lists the files of the run that are there to download.
func (m *RunManager) files(id, kind string) []RunFile {
	dir, err := m.runDir(id)
	if err != nil {
		return nil
	}
	var out []RunFile
	for _, name := range runFileNames[kind] {
		p := filepath.Join(dir, fileNames[name])
		if info, err := os.Lstat(p); err == nil && info.Mode().IsRegular() {
			out = append(out, RunFile{Name: name, FileName: fmt.Sprintf("%s-%s-%s.jsonl", kind, id, name), Path: p, Size: info.Size()})
		}
	}
	return out
}

// RunInput is an import's input file, received into the folder of the
// run that will read it before the run starts.
type RunInput struct {
	id, dir string
	Name    string // the name the file had where it came from, for people
	Size    int64
	used    bool
}

// ReceiveInput streams an import's input from r to a new run's folder,
// never holding more than a buffer of it in memory. An input longer than
// limit (0: DefaultMaxInputBytes) is an *InputTooLargeError, and what was
// received is removed. name is the file's own name, shown with the run.
// Start the import with it (StartImport), or Discard it.
func (m *RunManager) ReceiveInput(r io.Reader, name string, limit int64) (*RunInput, error) {
	if limit <= 0 {
		limit = DefaultMaxInputBytes
	}
	id := newRunID()
	dir, err := m.makeRunDir(id)
	if err != nil {
		return nil, err
	}
	in := &RunInput{id: id, dir: dir, Name: name[strings.LastIndexAny(name, `/\`)+1:]}
	f, err := os.OpenFile(filepath.Join(dir, inputFileName), os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
	if err != nil {
		in.Discard()
		return nil, err
	}
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		in.Discard()
		return nil, fmt.Errorf("receiving the input file: %w", err)
	case n > limit:
		in.Discard()
		return nil, &InputTooLargeError{Limit: limit}
	}
	in.Size = n
	return in, nil
}

// Discard removes an input that no run was started with.
func (in *RunInput) Discard() {
	if in != nil && !in.used {
		os.RemoveAll(in.dir)
	}
}

func (in *RunInput) path() string { return filepath.Join(in.dir, inputFileName) }

// OpenRunFile opens a file of a run for reading: name is FileOutput,
// FileResults or FileErrors, and only the run's own file of that name,
// in its own folder, is opened (never through a symbolic link). A run
// that is not in the history is a *RunNotFoundError; a file its kind
// does not write or that is not there (yet) a *RunFileError.
func (m *RunManager) OpenRunFile(ctx context.Context, id, name string) (*os.File, RunFile, error) {
	rec, err := m.Get(ctx, id)
	if err != nil {
		return nil, RunFile{}, err
	}
	for _, f := range rec.Files {
		if f.Name != name {
			continue
		}
		fh, err := os.OpenFile(f.Path, os.O_RDONLY|noFollow, 0)
		if err != nil {
			return nil, RunFile{}, &RunFileError{ID: id, Name: name, Why: "it cannot be opened"}
		}
		info, err := fh.Stat()
		if err != nil || !info.Mode().IsRegular() {
			fh.Close()
			return nil, RunFile{}, &RunFileError{ID: id, Name: name, Why: "it is not a regular file"}
		}
		f.Size = info.Size()
		return fh, f, nil
	}
	why := "the run has not written it (yet)"
	if !slices.Contains(runFileNames[rec.Kind], name) {
		why = fmt.Sprintf("%s writes none", kindArticle(rec.Kind))
	}
	return nil, RunFile{}, &RunFileError{ID: id, Name: name, Why: why}
}

// kindArticle is "an export", "an import" or "a report".
func kindArticle(kind string) string {
	if kind == "report" {
		return "a report"
	}
	return "an " + kind
}
