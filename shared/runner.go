package shared

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin/runner"
)

// procRunner runs a plugin process for go-plugin (ClientConfig.RunnerFunc)
// in place of go-plugin's own runner, for what that one does not do:
//
//   - the plugin runs in a process group of its own, and when the plugin
//     process exits (or is stopped) the whole group is killed, so the
//     processes it started end with it. The group is killed before the
//     plugin is reaped, so its id cannot belong to anyone else yet;
//   - a process that escaped the group cannot keep the host waiting by
//     holding the plugin's output pipes (see releasePipes);
//   - the checksum is checked on the file the process is started from,
//     just before it is started (go-plugin's SecureConfig does not work
//     with a runner);
//   - go-plugin gives the plugin a private folder for its Unix socket
//     (0700, in ClientOptions.SocketDir) only when a runner is used.
type procRunner struct {
	cmd      *exec.Cmd
	checksum []byte
	logger   hclog.Logger
	stdout   io.ReadCloser
	stderr   io.ReadCloser
	pid      int
	ended    chan struct{} // closed once the process exited and its group was killed
	waited   chan struct{} // closed once Wait reaped the process
	// socketDir is the folder go-plugin made for the plugin's socket; it
	// removes it on Kill, but only of a process that started.
	socketDir string

	mu      sync.Mutex
	reaping bool // Wait began to reap the process: its pid may be another's
}

var _ runner.Runner = (*procRunner)(nil)

// newProcRunner returns the runner of cmd, which is not started yet. It
// takes over cmd.Cancel, which ends the process when cmd's context ends.
func newProcRunner(cmd *exec.Cmd, checksum []byte) *procRunner {
	r := &procRunner{cmd: cmd, checksum: checksum, logger: hclog.NewNullLogger(), ended: make(chan struct{}), waited: make(chan struct{})}
	cmd.Cancel = func() error { return r.Kill(context.Background()) }
	return r
}

// attach prepares the command as go-plugin asks: spec is go-plugin's
// command, holding the environment the handshake needs.
func (r *procRunner) attach(spec *exec.Cmd, socketDir string, logger hclog.Logger) (runner.Runner, error) {
	r.socketDir = socketDir
	r.cmd.Env = append(r.cmd.Env, spec.Env...)
	// Not the host's standard input: a plugin has no business reading it,
	// and from a process group of its own it could not read a terminal.
	r.cmd.Stdin = nil
	r.logger = logger
	var err error
	if r.stdout, err = r.cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	if r.stderr, err = r.cmd.StderrPipe(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *procRunner) Start(context.Context) error {
	err := r.start()
	if err != nil && r.socketDir != "" {
		_ = os.RemoveAll(r.socketDir)
	}
	return err
}

func (r *procRunner) start() error {
	if r.checksum != nil {
		if err := checkSum(r.cmd.Path, r.checksum); err != nil {
			return err
		}
	}
	r.logger.Debug("starting plugin", "path", r.cmd.Path, "args", r.cmd.Args)
	// Held while starting: a Kill (from cmd.Cancel too) waits for the pid.
	r.mu.Lock()
	err := r.cmd.Start()
	if err == nil {
		r.pid = r.cmd.Process.Pid
	}
	r.mu.Unlock()
	if err != nil {
		return err
	}
	go func() {
		if !waitExited(r.pid) { // does not reap: the group id stays ours
			close(r.ended)
			return
		}
		killGroup(r.pid)
		close(r.ended)
		r.releasePipes()
	}()
	return nil
}

// pipeGrace is how long the plugin's output pipes may stay open once the
// plugin exited and its group was killed.
const pipeGrace = 2 * time.Second

// releasePipes closes the read ends of the plugin's output pipes when they
// are still open pipeGrace after the plugin exited. go-plugin reaps a
// plugin only once it read both to their end, and a process that left the
// plugin's group (setsid) may hold them open for as long as it lives: the
// host would hang. Lines written before the plugin exited are read by
// then.
func (r *procRunner) releasePipes() {
	select {
	case <-r.waited:
	case <-time.After(pipeGrace):
		r.stdout.Close()
		r.stderr.Close()
	}
}

// checkSum fails with ErrChecksumMismatch when the file at path does not
// have the SHA-256 sum.
func checkSum(path string, sum []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("error verifying checksum: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("error verifying checksum: %w", err)
	}
	if !bytes.Equal(h.Sum(nil), sum) {
		return ErrChecksumMismatch
	}
	return nil
}

// Wait reaps the process, once it exited and its group was killed.
func (r *procRunner) Wait(context.Context) error {
	<-r.ended
	r.mu.Lock()
	r.reaping = true
	r.mu.Unlock()
	defer close(r.waited)
	return r.cmd.Wait()
}

// Kill kills the process and its group. Once the process may have been
// reaped, its pid may belong to another process; the group was killed by
// then (see Start).
func (r *procRunner) Kill(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.pid == 0 || r.reaping:
	case groupWatched:
		killGroup(r.pid)
	default:
		_ = r.cmd.Process.Kill()
	}
	return nil
}

func (r *procRunner) Stdout() io.ReadCloser { return r.stdout }
func (r *procRunner) Stderr() io.ReadCloser { return r.stderr }
func (r *procRunner) Name() string          { return r.cmd.Path }

func (r *procRunner) ID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pid == 0 {
		return ""
	}
	return strconv.Itoa(r.pid)
}

func (r *procRunner) Diagnose(context.Context) string {
	return "the file is not a plugin built for this machine, cannot be run, or failed the handshake"
}

func (r *procRunner) PluginToHost(network, addr string) (string, string, error) {
	return network, addr, nil
}

func (r *procRunner) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}
