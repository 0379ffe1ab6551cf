package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pagedExport is an export of the account's campaigns 20 a page (or of
// what), to out.
func pagedExport(sim simInfo, what, out string, extra ...string) []string {
	return append([]string{"export", "Prod", "accounts/" + sim.AccountID + "/" + what, "-F", "count=20", "--out", out}, extra...)
}

// killedExport starts an export and kills the host (and its plugin) with
// SIGKILL once a few pages are saved.
func killedExport(t *testing.T, home string, args []string, out string) {
	t.Helper()
	run := startIntegrator(t, home, args...)
	var plugins []int
	waitFor(t, 60*time.Second, "a few pages to be saved", func() bool {
		if run.exited() {
			t.Fatalf("the export ended before it could be killed\n%s", run.stderr.String())
		}
		plugins = pluginChildren(run.cmd.Process.Pid)
		return fileSize(out+".part") >= 24<<10 // three pages or more: the first two are checkpointed
	})
	kill(t, run.cmd.Process.Pid)
	run.wait(t, 10*time.Second)
	for _, pid := range plugins {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPartFileOfAnotherCommandIsRefused kills an export, then aims
// another export at the same file: it is refused, naming the first, and
// the part file is untouched. A part file changed behind the checkpoint's
// back is not resumed; put back, it is, and the result is exact.
func TestPartFileOfAnotherCommandIsRefused(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--campaigns", "1500", "--fault", "slow,delay=150ms,method=GET")
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.jsonl")
	mustRun(t, home, nil, pagedExport(sim, "campaigns", clean, "-F", "count=1000")...)
	out := filepath.Join(dir, "out.jsonl")
	killedExport(t, home, pagedExport(sim, "campaigns", out), out)
	part := readBytes(t, out+".part")

	b := integrator(t, home, nil, pagedExport(sim, "line_items", out)...)
	if b.code != 1 || !strings.Contains(b.stderr, "holds what an unfinished run saved") ||
		!strings.Contains(b.stderr, "export of accounts/"+sim.AccountID+"/campaigns (count=20) through connection \"Prod\"") ||
		!strings.Contains(b.stderr, "--restart") {
		t.Fatalf("another command on the part file: exit %d\n%s", b.code, b.stderr)
	}
	if !bytes.Equal(readBytes(t, out+".part"), part) {
		t.Fatal("the refused command changed the part file")
	}

	// Another program changes a byte of the saved part.
	changed := bytes.Clone(part)
	changed[10] ^= 1
	writeFile(t, out+".part", string(changed))
	r := integrator(t, home, nil, pagedExport(sim, "campaigns", out, "--resume")...)
	if r.code != 1 || !strings.Contains(r.stderr, "are not what this run saved") || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Fatalf("resume of a changed part file: exit %d\n%s", r.code, r.stderr)
	}
	if !bytes.Equal(readBytes(t, out+".part"), changed) {
		t.Fatal("the refused resume changed the part file")
	}
	writeFile(t, out+".part", string(part))
	mustRun(t, home, nil, pagedExport(sim, "campaigns", out, "--resume")...)
	if !bytes.Equal(readBytes(t, out), readBytes(t, clean)) {
		t.Error("the resumed export differs from a clean one")
	}
}

// TestDeleteConnectionWithUnfinishedRuns: a connection a run uses is never
// deleted; one with an unfinished export only with --force; and --resume
// after it was created again says there is nothing to resume and changes
// nothing.
func TestDeleteConnectionWithUnfinishedRuns(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--campaigns", "1500", "--fault", "slow,delay=150ms,method=GET")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	killedExport(t, home, pagedExport(sim, "campaigns", out), out)
	part := readBytes(t, out+".part")

	r := integrator(t, home, nil, "connections", "delete", "Prod", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "unfinished work") || !strings.Contains(r.stderr, "export of accounts/"+sim.AccountID+"/campaigns") ||
		!strings.Contains(r.stderr, out+".part") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("delete with an unfinished export: exit %d\n%s", r.code, r.stderr)
	}
	running := startIntegrator(t, home, pagedExport(sim, "campaigns", filepath.Join(dir, "other.jsonl"))...)
	waitFor(t, 30*time.Second, "the second export to start", func() bool { return fileSize(filepath.Join(dir, "other.jsonl.part")) > 0 })
	r = integrator(t, home, nil, "connections", "delete", "Prod", "--force", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "is in use by 1 run") || !strings.Contains(r.stderr, "pid "+strconv.Itoa(running.cmd.Process.Pid)) {
		t.Fatalf("delete while an export runs: exit %d\n%s", r.code, r.stderr)
	}
	if code := running.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("the running export failed (exit %d): deleting must not have touched it\n%s", code, running.stderr.String())
	}
	r = mustRun(t, home, nil, "connections", "delete", "Prod", "--force", "--yes")
	if !strings.Contains(r.stderr, "Forgotten with it") {
		t.Errorf("delete --force:\n%s", r.stderr)
	}

	env, _ := secretEnv(sim)
	mustRun(t, home, env, createArgs(sim, "Prod", "--no-test")...)
	r = integrator(t, home, nil, pagedExport(sim, "campaigns", out, "--resume")...)
	if r.code != 1 || !strings.Contains(r.stderr, "nothing to resume") {
		t.Fatalf("--resume after the connection was created again: exit %d\n%s", r.code, r.stderr)
	}
	if !bytes.Equal(readBytes(t, out+".part"), part) {
		t.Error("--resume with nothing to resume changed the part file")
	}
}

// TestOutputsAreNeverWrittenThroughASymlink: a symlink where an output's
// part file goes is refused and its target untouched, for exports and for
// an import's results; outputs are created 0600 under a umask of 022, and
// the file put in place keeps that mode.
func TestOutputsAreNeverWrittenThroughASymlink(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--campaigns", "50")
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	writeFile(t, victim, "precious")
	out := filepath.Join(dir, "out.jsonl")
	if err := os.Symlink(victim, out+".part"); err != nil {
		t.Fatal(err)
	}
	r := integrator(t, home, nil, pagedExport(sim, "campaigns", out)...)
	if r.code != 1 || !strings.Contains(r.stderr, "is a symbolic link") {
		t.Fatalf("export through a symlink: exit %d\n%s", r.code, r.stderr)
	}
	in := filepath.Join(dir, "in.jsonl")
	writeFile(t, in, `{"account_id":"`+sim.AccountID+`","name":"x"}`+"\n")
	results := filepath.Join(dir, "results.jsonl")
	if err := os.Symlink(victim, results+".part"); err != nil {
		t.Fatal(err)
	}
	r = integrator(t, home, nil, importArgs(in, "--results", results)...)
	if r.code != 1 || !strings.Contains(r.stderr, "is a symbolic link") {
		t.Fatalf("import results through a symlink: exit %d\n%s", r.code, r.stderr)
	}
	if string(readBytes(t, victim)) != "precious" {
		t.Fatal("the symlink's target was written")
	}

	good := filepath.Join(dir, "good.jsonl")
	cmd := exec.Command("/bin/sh", append([]string{"-c", `umask 022; exec "$0" "$@"`, filepath.Join(bin, "integrator")}, pagedExport(sim, "campaigns", good)...)...)
	cmd.Env = []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if info, err := os.Stat(good); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the export's mode: %v %v", info.Mode().Perm(), err)
	}
}
