package oauthtestapi

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Credentials are what the server accepts.
type Credentials struct {
	// ConsumerKey, ConsumerSecret, AccessToken and TokenSecret sign with
	// the HMAC methods and PLAINTEXT (the token is optional).
	ConsumerKey, ConsumerSecret, AccessToken, TokenSecret string
	// RSAConsumerKey signs with the RSA methods and PrivateKeyPEM (PKCS#8),
	// with AccessToken or none.
	RSAConsumerKey, PrivateKeyPEM string
	// APIKey is the X-Api-Key header every request must carry.
	APIKey string
}

// Server is a running test API.
type Server struct {
	// URL is "http://127.0.0.1:PORT"; the API is under URL + "/v1".
	URL         string
	Credentials Credentials

	size   int
	budget int
	public *rsa.PublicKey
	srv    *http.Server

	mu       sync.Mutex
	nonces   map[string]bool
	received []Received
	counts   Counts
	left     int       // items/limited budget
	resetAt  time.Time // when a spent budget is refilled; zero until a 420
	inflight int
	created  int
}

// Option changes a server.
type Option func(*Server)

// WithItems sets how many items the lists hold (57 by default).
func WithItems(n int) Option { return func(s *Server) { s.size = n } }

// WithBudget sets the requests items/limited answers between resets (3).
func WithBudget(n int) Option { return func(s *Server) { s.budget = n } }

// NewServer starts a server on 127.0.0.1 with a free port, like
// httptest.NewServer; it panics if it cannot. Call Close when done.
func NewServer(opts ...Option) *Server {
	s, err := Start("127.0.0.1:0", opts...)
	if err != nil {
		panic("oauthtestapi: " + err.Error())
	}
	return s
}

// Start starts a server listening on addr.
func Start(addr string, opts ...Option) (*Server, error) {
	s := &Server{size: 57, budget: 3, nonces: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	s.left = s.budget
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	s.public = &key.PublicKey
	s.Credentials = Credentials{ConsumerKey: "hmac-" + random(8), ConsumerSecret: random(20), AccessToken: "token-" + random(8),
		TokenSecret: random(20), RSAConsumerKey: "rsa-" + random(8), APIKey: random(16),
		PrivateKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 30 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Ready is the line the binary prints once it listens.
type Ready struct {
	URL            string `json:"url"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	AccessToken    string `json:"access_token"`
	TokenSecret    string `json:"token_secret"`
	RSAConsumerKey string `json:"rsa_consumer_key"`
	PrivateKeyPEM  string `json:"private_key"`
	APIKey         string `json:"api_key"`
}

// Ready returns the server's ready line.
func (s *Server) Ready() Ready {
	c := s.Credentials
	return Ready{s.URL, c.ConsumerKey, c.ConsumerSecret, c.AccessToken, c.TokenSecret, c.RSAConsumerKey, c.PrivateKeyPEM, c.APIKey}
}

func random(n int) string {
	b := make([]byte, n/2)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func problem(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": fmt.Sprintf(format, args...)}})
}
