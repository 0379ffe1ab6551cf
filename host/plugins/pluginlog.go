package plugins

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// maxLogSize is the size past which a plugin log is moved to <type>.log.1
// when the next process of the type starts.
const maxLogSize = 4 << 20

// pluginLog appends one plugin type's standard error (hclog JSON lines, and
// whatever else the plugin printed, a panic's stack included) to
// <dir>/<type>.log, a whole line per write so that the processes of several
// hosts can share the file. A nil *pluginLog discards everything.
type pluginLog struct {
	mu   sync.Mutex
	f    *os.File
	path string
	buf  []byte
}

func openPluginLog(dir, typ string) (*pluginLog, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, typ+".log")
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLogSize {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &pluginLog{f: f, path: path}, nil
}

// Path is the log file's path, "" for a nil log.
func (l *pluginLog) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

func (l *pluginLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		_, _ = l.f.Write(l.buf[:i+1])
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) > 64<<10 { // a line this long is written in pieces
		_, _ = l.f.Write(l.buf)
		l.buf = l.buf[:0]
	}
	return len(p), nil
}

// event writes a line of the host's own about the process, in the hclog
// JSON form of the plugin's lines.
func (l *pluginLog) event(msg string, kv ...any) {
	if l == nil {
		return
	}
	m := map[string]any{"@level": "info", "@message": msg, "@module": "integrator.supervisor",
		"@timestamp": time.Now().Format("2006-01-02T15:04:05.000000Z07:00")}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	_, _ = l.Write(append(b, '\n'))
}

// Close writes what is left of a last line and closes the file.
func (l *pluginLog) Close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		_, _ = l.f.Write(append(l.buf, '\n'))
		l.buf = nil
	}
	_ = l.f.Close()
}
