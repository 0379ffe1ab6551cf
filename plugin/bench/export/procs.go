package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

// host runs the built integrator binary in its own home.
type host struct {
	bin, home string
	env       []string
}

func newHost(bin, home string, sim twitteradssim.Ready) (*host, error) {
	h := &host{bin: bin, home: home, env: []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin",
		"B_CS=" + sim.ConsumerSecret, "B_AT=" + sim.AccessToken, "B_TS=" + sim.TokenSecret}}
	_, err := h.run("connections", "create", "--type", "twitter-ads", "--name", "bench",
		"--set", "consumer_key="+sim.ConsumerKey, "--set", "base_uri="+sim.URL, "--set", "account_id="+sim.AccountID,
		"--secret-env", "consumer_secret=B_CS", "--secret-env", "access_token=B_AT", "--secret-env", "token_secret=B_TS")
	return h, err
}

func (h *host) run(args ...string) (string, error) {
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("integrator %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// peaks are the highest VmHWM seen of the host and of its plugin.
type peaks struct{ host, plugin int64 }

// runWatched runs the integrator with args and samples the peak RSS of it
// and of its plugin child until it exits.
func (h *host) runWatched(args ...string) (time.Duration, peaks, error) {
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, peaks{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var p peaks
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			elapsed := time.Since(start)
			if err != nil {
				return 0, p, fmt.Errorf("integrator %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
			}
			return elapsed, p, nil
		case <-tick.C:
			p.host = max(p.host, vmHWM(cmd.Process.Pid))
			for _, c := range children(cmd.Process.Pid) {
				p.plugin = max(p.plugin, vmHWM(c))
			}
		}
	}
}

// vmHWM reads a process's peak resident set size in bytes; 0 if gone.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// children returns the pids whose parent is pid.
func children(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}
