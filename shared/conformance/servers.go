package conformance

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Unreachable is the API address where nothing listens: port 1 of the
// loopback address (tcpmux, unused on any ordinary machine), so a
// connection is refused at once.
const Unreachable = "http://127.0.0.1:1/"

// Elsewhere is an https API address on a name that never resolves (the
// .invalid top-level domain, RFC 6761): settings that name it name no
// address of this machine.
const Elsewhere = "https://api.conformance.invalid/"

// servers are the addresses the suite serves on this machine while it
// runs.
type servers struct {
	// api is a test API: a path ending in /ok answers 200 with a small
	// JSON body, anything else 401 with a JSON error. It never echoes
	// what it receives.
	api *http.Server
	// foreign counts every connection made to it and keeps every request
	// it gets: a URL on it is one no settings name.
	foreign     *http.Server
	foreignHits atomic.Int64
	foreignM    sync.Mutex
	received    []string // each request as received: method, URL, headers, body
	// silent accepts connections and never answers.
	silent  net.Listener
	silentM sync.Mutex
	held    []net.Conn

	apiURL, foreignAddr, silentURL string
}

func startServers() (*servers, error) {
	s := &servers{}
	apiL, err := listen()
	if err != nil {
		return nil, err
	}
	foreignL, err := listen()
	if err != nil {
		apiL.Close()
		return nil, err
	}
	if s.silent, err = listen(); err != nil {
		apiL.Close()
		foreignL.Close()
		return nil, err
	}
	s.apiURL = "http://" + apiL.Addr().String() + "/"
	s.foreignAddr = foreignL.Addr().String()
	s.silentURL = "http://" + s.silent.Addr().String() + "/"

	s.api = &http.Server{Handler: http.HandlerFunc(serveAPI), ReadHeaderTimeout: time.Minute}
	s.foreign = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.foreignHits.Add(1)
			s.keep(r)
			http.Error(w, "conformance: this host is named by no settings", http.StatusTeapot)
		}),
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.foreignHits.Add(1)
			}
		},
		ReadHeaderTimeout: time.Minute,
	}
	go func() { _ = s.api.Serve(apiL) }()
	go func() { _ = s.foreign.Serve(foreignL) }()
	go s.hold()
	return s, nil
}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// serveAPI is the test API's handler.
func serveAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Conformance", "test API")
	if strings.HasSuffix(r.URL.Path, "/ok") {
		_, _ = w.Write([]byte(`{"data":[],"conformance":true}`))
		return
	}
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"conformance test API: not authorized"}],"error":"not authorized"}`))
}

// keep records a request the foreign server got.
func (s *servers) keep(r *http.Request) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL)
	_ = r.Header.Write(&b)
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	b.Write(body)
	s.foreignM.Lock()
	defer s.foreignM.Unlock()
	s.received = append(s.received, b.String())
}

// requests returns the requests the foreign server got.
func (s *servers) requests() []string {
	s.foreignM.Lock()
	defer s.foreignM.Unlock()
	return slices.Clone(s.received)
}

// hold accepts connections to the silent address and keeps them open
// without a byte, until close.
func (s *servers) hold() {
	for {
		c, err := s.silent.Accept()
		if err != nil {
			return
		}
		s.silentM.Lock()
		s.held = append(s.held, c)
		s.silentM.Unlock()
	}
}

func (s *servers) close() {
	_ = s.api.Close()
	_ = s.foreign.Close()
	_ = s.silent.Close()
	s.silentM.Lock()
	defer s.silentM.Unlock()
	for _, c := range s.held {
		_ = c.Close()
	}
}

// foreignURLs are URLs on the foreign server: by address, by name, and
// with https (a connector that sends starts a TLS handshake, which the
// server counts as a connection).
func (s *servers) foreignURLs() []string {
	_, port, _ := net.SplitHostPort(s.foreignAddr)
	return []string{
		"http://" + s.foreignAddr + "/conformance/foreign",
		"http://localhost:" + port + "/conformance/foreign",
		"https://" + s.foreignAddr + "/conformance/foreign",
	}
}
