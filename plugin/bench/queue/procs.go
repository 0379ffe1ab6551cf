package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

// host runs the built integrator binary in a home of its own (a machine
// of its own), with env added (the shared store and master key, or none).
type host struct {
	bin, home string
	env       []string
}

func newHost(bin, home string, env []string) *host {
	os.MkdirAll(home, 0o700)
	return &host{bin: bin, home: home, env: append([]string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}, env...)}
}

// connect creates the connection "bench" to the simulator.
func (h *host) connect(sim twitteradssim.Ready) error {
	_, err := h.runEnv([]string{"B_CS=" + sim.ConsumerSecret, "B_AT=" + sim.AccessToken, "B_TS=" + sim.TokenSecret},
		"connections", "create", "--type", "twitter-ads", "--name", "bench",
		"--set", "consumer_key="+sim.ConsumerKey, "--set", "base_uri="+sim.URL, "--set", "account_id="+sim.AccountID,
		"--secret-env", "consumer_secret=B_CS", "--secret-env", "access_token=B_AT", "--secret-env", "token_secret=B_TS", "--no-test")
	return err
}

// accounts lists the simulator's ads accounts.
func (h *host) accounts() ([]string, error) {
	out, err := h.run("api", "bench", "accounts", "-F", "count=1000")
	if err != nil {
		return nil, err
	}
	var b struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		return nil, fmt.Errorf("GET accounts: %w", err)
	}
	var ids []string
	for _, a := range b.Data {
		ids = append(ids, a.ID)
	}
	return ids, nil
}

func (h *host) run(args ...string) (string, error) { return h.runEnv(nil, args...) }

func (h *host) runEnv(env []string, args ...string) (string, error) {
	cmd := exec.Command(h.bin, args...)
	cmd.Env = append(h.env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("integrator %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// proc is an integrator process the bench waits for.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{}
	err            error
	cpu            float64 // CPU seconds of it and its waited-for children (its plugins), once ended
}

func (h *host) start(args ...string) (*proc, error) {
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(h.bin, args...)
	p.cmd.Env = h.env
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		p.err = p.cmd.Wait()
		if ps := p.cmd.ProcessState; ps != nil {
			// wait4's usage of a child holds its own children's that it
			// waited for: the plugins.
			p.cpu = (ps.UserTime() + ps.SystemTime()).Seconds()
		}
		if p.err != nil {
			p.err = fmt.Errorf("integrator %s: %w\n%s", strings.Join(p.cmd.Args[1:], " "), p.err, tail(p.stderr.String(), 2000))
		}
		close(p.done)
	}()
	return p, nil
}

func (p *proc) wait() error {
	<-p.done
	return p.err
}

// startWorker starts `integrator worker` and waits for its start.
func (h *host) startWorker(args ...string) (*proc, error) {
	p, err := h.start(append([]string{"worker"}, args...)...)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.stderr.String(), "worker started") {
		select {
		case <-p.done:
			return nil, fmt.Errorf("the worker ended at its start: %v", p.err)
		default:
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			return nil, fmt.Errorf("the worker did not start within a minute:\n%s", tail(p.stderr.String(), 2000))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p, nil
}

// stop ends a worker with SIGTERM (killing it after 30 s).
func (p *proc) stop() error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	return p.err
}

var queuedLine = regexp.MustCompile(`Queued run ([0-9A-Za-z_-]+) \(`)

func queuedID(out string) (string, error) {
	m := queuedLine.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("no 'Queued run ID' in %q", out)
	}
	return m[1], nil
}

// syncBuffer is a buffer read while a process writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times (100 on Linux).
const clockTicks = 100

// stat reads fields 14 to 17 of /proc/PID/stat (utime, stime, cutime,
// cstime, in seconds) and the parent pid; ok is false when it is gone.
func stat(pid int) (self, children float64, ppid int, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, 0, false
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	// f[0] is the state (field 3); utime is field 14, f[11].
	if len(f) < 15 {
		return 0, 0, 0, false
	}
	n := func(i int) float64 { v, _ := strconv.ParseFloat(f[i], 64); return v / clockTicks }
	ppid, _ = strconv.Atoi(f[1])
	return n(11) + n(12), n(13) + n(14), ppid, true
}

// procCPU is the CPU seconds a live process has used.
func procCPU(pid int) float64 {
	self, _, _, _ := stat(pid)
	return self
}

// pgServer is the PostgreSQL server the bench's store is on, when it runs
// on this machine: its postmaster's pid.
type pgServer struct{ postmaster int }

// findPostgres finds the postmaster listening on the store URL's port
// (a "postgres" process with "-p PORT" in its command line).
func findPostgres(store string) (*pgServer, error) {
	u, err := url.Parse(store)
	if err != nil {
		return nil, err
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		if filepath.Base(args[0]) != "postgres" {
			continue
		}
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "-p" && args[i+1] == port {
				return &pgServer{postmaster: pid}, nil
			}
		}
	}
	return nil, fmt.Errorf("no postgres process with -p %s on this machine", port)
}

// cpu is the CPU seconds the server has used: the postmaster's own and
// its ended backends' (which it waited for), and its live backends'.
func (s *pgServer) cpu() float64 {
	if s == nil {
		return 0
	}
	self, children, _, _ := stat(s.postmaster)
	total := self + children
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if c, _, ppid, ok := stat(pid); ok && ppid == s.postmaster {
			total += c
		}
	}
	return total
}

// loadAverage is /proc/loadavg's first three figures.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
