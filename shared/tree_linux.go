package shared

import (
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// In a plugin process (started by a host, with the handshake's cookie in
// its environment), guardTree runs while the runtime holds the main
// goroutine on the main thread: see guardTree.
func init() {
	if os.Getenv(Handshake.MagicCookieKey) == Handshake.MagicCookieValue {
		guardTree()
	}
}

// guardTree makes a plugin end the processes it started when its host
// dies, SIGKILL of the host included. It applies only to a plugin that
// leads a process group of its own, as its host makes it; a plugin run any
// other way is left as it is.
//
// The host asked Linux to SIGKILL the plugin when the host dies (the
// parent-death signal). That would leave the plugin's own processes
// behind, so the plugin asks for SIGTERM instead and, on that signal, kills
// its process group and every process that was orphaned below it (it is
// their subreaper: an orphan below the plugin becomes the plugin's child,
// a process that left the group with setsid included), then dies of the
// signal itself.
//
// The parent-death signal belongs to a thread: the host's request is held
// by the plugin's main thread, the one that ran exec. So guardTree must
// run on the main thread, which package initialization guarantees (the
// runtime locks the main goroutine to it until main.main starts).
func guardTree() {
	if syscall.Getpgrp() != os.Getpid() || unix.Gettid() != os.Getpid() {
		return
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0); err != nil {
		return
	}
	go func() {
		<-sigs
		endTree(true)
		signal.Reset(syscall.SIGTERM)
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}()
}

// endTreeOnStop ends the tree of a plugin that leads its process group,
// once it stopped serving.
func endTreeOnStop() {
	if syscall.Getpgrp() == os.Getpid() {
		endTree(true)
	}
}

// endTree kills the processes below this one: its children (the orphans it
// adopted as a subreaper included) and, with group, the other members of
// its process group. It repeats until it finds none, so that the orphans
// of the processes it killed, which become its children, are killed too.
// It never kills this process.
func endTree(group bool) {
	self := os.Getpid()
	for round := 0; round < 100; round++ {
		var killed []int
		for _, p := range listProcs() {
			if p.pid == self || p.state == 'Z' || p.state == 'X' {
				continue
			}
			if p.ppid == self || group && p.pgid == self {
				if syscall.Kill(p.pid, syscall.SIGKILL) == nil {
					killed = append(killed, p.pid)
				}
			}
		}
		if len(killed) == 0 {
			return
		}
		// A killed process has handed its children to its subreaper once it
		// is a zombie (or gone).
		deadline := time.Now().Add(2 * time.Second)
		for _, pid := range killed {
			for procRunning(pid) && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		}
	}
}

type procInfo struct {
	pid, ppid, pgid int
	state           byte
}

// listProcs reads every process's state, parent and process group from
// /proc.
func listProcs() []procInfo {
	entries, _ := os.ReadDir("/proc")
	var out []procInfo
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
	}
	return out
}

func readProc(pid int) (procInfo, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procInfo{}, false
	}
	// The command name is in parentheses and may hold anything.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procInfo{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 3 || len(f[0]) != 1 {
		return procInfo{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgid, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		return procInfo{}, false
	}
	return procInfo{pid: pid, ppid: ppid, pgid: pgid, state: f[0][0]}, true
}

// procRunning reports whether pid is a process that has not exited.
func procRunning(pid int) bool {
	p, ok := readProc(pid)
	return ok && p.state != 'Z' && p.state != 'X'
}
