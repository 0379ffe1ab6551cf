package flows

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// stoppedExport runs an export of n records that fails on request failAt,
// leaving an unfinished run.
func stoppedExport(t *testing.T, s *store.Store, api *listAPI, out string, failAt int32, params ...shared.Param) *Export {
	t.Helper()
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == failAt {
			return answer(400, `{"errors":[{"code":"INVALID_PARAMETER","message":"boom"}]}`), nil
		}
		return api.serve(req), nil
	})
	x := testExport(t, s, p, out)
	x.Params = append(x.Params, params...)
	if _, err := x.Run(context.Background()); err == nil {
		t.Fatal("the export did not stop")
	}
	return x
}

// A part file holding other bytes than the checkpoint vouched for is not
// resumed, and is left as it is.
func TestResumeRefusesAForeignPartFile(t *testing.T) {
	s := testStore(t)
	api := &listAPI{n: 100}
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := stoppedExport(t, s, api, out, 5)
	part := readFile(t, out+".part")
	// Another program rewrites it: same size, other bytes.
	foreign := strings.Replace(part, `"r00003"`, `"x00003"`, 1)
	if err := os.WriteFile(out+".part", []byte(foreign), 0o600); err != nil {
		t.Fatal(err)
	}
	x.Resume = true
	if _, err := x.Run(context.Background()); !errors.Is(err, ErrForeignPart) || !strings.Contains(err.Error(), "--restart") {
		t.Fatalf("resume of a foreign part file: %v", err)
	}
	if got := readFile(t, out+".part"); got != foreign {
		t.Error("the refused resume changed the part file")
	}
	if run, _ := s.ExportRun(context.Background(), x.key(out)); run.Pages != 4 || run.Done {
		t.Errorf("the refused resume changed the checkpoint: %+v", run)
	}
	// Put back, it resumes.
	if err := os.WriteFile(out+".part", []byte(part), 0o600); err != nil {
		t.Fatal(err)
	}
	if sum, err := x.Run(context.Background()); err != nil || !sum.Resumed || readFile(t, out) != api.want(100) {
		t.Fatalf("resume of its own part file: %+v %v", sum, err)
	}
}

// An export to a file whose part file another unfinished export owns is
// refused, naming it; with --restart it takes the file over.
func TestSecondCommandOnAnOwnedPartFile(t *testing.T) {
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	a := stoppedExport(t, s, &listAPI{n: 100}, out, 5)
	part := readFile(t, out+".part")
	apiB := &listAPI{n: 30}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return apiB.serve(req), nil })
	b := testExport(t, s, p, out)
	b.Params = append(b.Params, shared.Param{Key: "account", Value: "other"})
	b.ConnectionName = "ads"
	_, err := b.Run(context.Background())
	if !errors.Is(err, ErrPartOwned) || !strings.Contains(err.Error(), "accounts/a1/campaigns (count=7)") || !strings.Contains(err.Error(), "--restart") {
		t.Fatalf("second command: %v", err)
	}
	if readFile(t, out+".part") != part || len(apiB.requests) != 0 {
		t.Fatal("the refused command changed the part file or asked the API")
	}
	b.Restart = true
	if _, err := b.Run(context.Background()); err != nil || readFile(t, out) != apiB.want(30) {
		t.Fatalf("--restart: %v", err)
	}
	if _, err := s.ExportRun(context.Background(), a.key(out)); !errors.Is(err, store.ErrNoRun) {
		t.Errorf("the discarded run is still there: %v", err)
	}
}

// --resume with nothing to resume says so and changes nothing.
func TestResumeWithNothingToResume(t *testing.T) {
	api := &listAPI{n: 10}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	if err := os.WriteFile(out+".part", []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	x := testExport(t, s, p, out)
	x.Resume = true
	if _, err := x.Run(context.Background()); !errors.Is(err, ErrNothingToResume) {
		t.Fatalf("no run: %v", err)
	}
	if readFile(t, out+".part") != "kept" || len(api.requests) != 0 {
		t.Error("--resume with nothing to resume changed the part file or asked the API")
	}
	os.Remove(out + ".part")
	x.Resume = false
	if _, err := x.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	x.Resume = true
	if _, err := x.Run(context.Background()); !errors.Is(err, ErrNothingToResume) || !strings.Contains(err.Error(), "finished") {
		t.Fatalf("a finished run: %v", err)
	}
}

// When a checkpoint cannot be saved, the message counts what the
// checkpoint holds, not the page that was written without one.
func TestCheckpointFailureCountsWhatIsSaved(t *testing.T) {
	api := &listAPI{n: 100}
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	var x *Export
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == 4 {
			// Once page 3 is checkpointed, the checkpoint of page 4
			// finds no run, as a full disk would make it fail.
			for {
				run, err := s.ExportRun(context.Background(), x.key(out))
				if err != nil {
					return nil, err
				}
				if run.Pages == 3 {
					break
				}
				time.Sleep(time.Millisecond)
			}
			_ = s.DeleteExportRun(context.Background(), x.key(out))
		}
		return api.serve(req), nil
	})
	x = testExport(t, s, p, out)
	_, err := x.Run(context.Background())
	var stopped *StoppedError
	if !errors.As(err, &stopped) || !strings.Contains(err.Error(), "saving the checkpoint") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(stopped.Kept, "21 records in 3 pages are saved") {
		t.Errorf("kept: %q", stopped.Kept)
	}
}

func TestPartFileNeverFollowsASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.jsonl")
	if err := os.Symlink(target, out+".part"); err != nil {
		t.Fatal(err)
	}
	api := &listAPI{n: 10}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	x := testExport(t, testStore(t), p, out)
	if _, err := x.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("err = %v", err)
	}
	if readFile(t, target) != "precious" {
		t.Error("the symlink's target was written")
	}
	if _, err := openPart(filepath.Join(dir, "fifo")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.part"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openPart(filepath.Join(dir, "pipe")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a fifo: %v", err)
	}
}

// Outputs are created 0600, a wider part file left by an older version is
// narrowed, and the file put in place keeps the mode.
func TestOutputsAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	api := &listAPI{n: 10}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	x := testExport(t, testStore(t), p, out)
	if _, err := x.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o600 {
		t.Errorf("output mode %v", info.Mode().Perm())
	}
	if err := os.WriteFile(filepath.Join(dir, "wide.part"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := openPart(filepath.Join(dir, "wide"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if info, _ := os.Stat(filepath.Join(dir, "wide.part")); info.Mode().Perm() != 0o600 {
		t.Errorf("an older part file kept mode %v", info.Mode().Perm())
	}
}

// A refused command leaves no part file it made behind, and keeps one it
// did not make.
func TestRefusedExportLeavesNoPartFile(t *testing.T) {
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return nil, errBoom })
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, testStore(t), p, out)
	x.Resume = true
	if _, err := x.Run(context.Background()); !errors.Is(err, ErrNothingToResume) {
		t.Fatal(err)
	}
	if _, err := os.Lstat(out + ".part"); !os.IsNotExist(err) {
		t.Errorf("the refused --resume left %s.part: %v", out, err)
	}
}

// An export that fails before it saved a page leaves no part file and no
// run behind: there is nothing to resume.
func TestExportThatSavedNothingLeavesNothing(t *testing.T) {
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		return answer(404, `{"errors":[{"code":"NOT_FOUND"}]}`), nil
	})
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, s, p, out)
	if _, err := x.Run(context.Background()); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Lstat(out + ".part"); !os.IsNotExist(err) {
		t.Errorf("the part file was left: %v", err)
	}
	if _, err := s.ExportRun(context.Background(), x.key(out)); !errors.Is(err, store.ErrNoRun) {
		t.Errorf("the run was left: %v", err)
	}
}
