package web

import (
	"fmt"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// redirectPage is the file a browser is opened on: it moves on to the
// console's link. The link (its one-time token) is written to a file only
// this user can read, never put on a command line, where other users of
// the machine could read it while the browser starts.
var redirectPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url={{.}}">
<title>integrator console</title></head>
<body><p><a href="{{.}}">Open the integrator console</a></p></body></html>
`))

// OpenBrowser opens link in the user's browser (xdg-open; open on macOS)
// through a redirect file in a private folder. Call cleanup when the
// console stops: it removes the file.
func OpenBrowser(link string) (cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "integrator-console-")
	if err != nil {
		return func() {}, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	file := filepath.Join(dir, "open.html")
	f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return cleanup, err
	}
	err = redirectPage.Execute(f, template.URL(link))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return cleanup, err
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", file)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", file)
	default:
		cmd = exec.Command("xdg-open", file)
	}
	if err := cmd.Start(); err != nil {
		return cleanup, fmt.Errorf("opening a browser: %w", err)
	}
	go cmd.Wait() // reaps it; xdg-open returns once the browser has the file
	return cleanup, nil
}
