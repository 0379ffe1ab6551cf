package e2e

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// httpPluginDir holds the http connector's binary, built by TestMain.
func httpPluginDir() string { return filepath.Join(bin, "http-plugin") }

// hx runs integrator with the http connector's folder as --plugin-dir.
func hx(t *testing.T, home string, env []string, args ...string) result {
	t.Helper()
	return integrator(t, home, env, append([]string{"--plugin-dir", httpPluginDir()}, args...)...)
}

// mustHX is hx that fails the test on a non-zero exit.
func mustHX(t *testing.T, home string, env []string, args ...string) result {
	t.Helper()
	r := hx(t, home, env, args...)
	if r.code != 0 {
		t.Fatalf("integrator %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

var (
	testAPIOnce sync.Once
	testAPIPath string
	testAPIErr  error
)

// testAPI is a running oauth-test-api process as its ready line says.
type testAPI struct {
	URL            string `json:"url"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	AccessToken    string `json:"access_token"`
	TokenSecret    string `json:"token_secret"`
	RSAConsumerKey string `json:"rsa_consumer_key"`
	PrivateKey     string `json:"private_key"`
	APIKey         string `json:"api_key"`
}

// launchTestAPI builds (once) and runs the OAuth 1.0 test API until the
// test ends.
func launchTestAPI(t *testing.T, flags ...string) testAPI {
	t.Helper()
	testAPIOnce.Do(func() {
		testAPIPath = filepath.Join(bin, "connector-e2e", "oauth-test-api")
		cmd := exec.Command("go", "build", "-o", testAPIPath, "./plugin/cmd/oauth-test-api")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			testAPIErr = fmt.Errorf("building the test API: %v\n%s", err, out)
		}
	})
	if testAPIErr != nil {
		t.Fatal(testAPIErr)
	}
	cmd := exec.Command(testAPIPath, flags...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	lines := make(chan []byte, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadBytes('\n')
		lines <- line
	}()
	var a testAPI
	select {
	case line := <-lines:
		if err := json.Unmarshal(line, &a); err != nil || a.URL == "" {
			t.Fatalf("test API ready line %q: %v; stderr:\n%s", line, err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the test API did not start; stderr:\n%s", stderr.String())
	}
	return a
}

// create makes an http connection NAME to the test API signing with
// method; secrets (the API key a secret entry of headers) go through a
// --secrets-file, kv are more KEY=VALUE settings. It returns the run,
// which may have failed.
func (a testAPI) create(t *testing.T, home, name, method string, kv ...string) result {
	t.Helper()
	secrets := map[string]string{"access_token": a.AccessToken, "headers.X-Api-Key": a.APIKey} // a secret entry of headers
	ck := a.ConsumerKey
	if strings.HasPrefix(method, "RSA-") {
		ck, secrets["private_key"] = a.RSAConsumerKey, a.PrivateKey
	} else {
		secrets["consumer_secret"], secrets["token_secret"] = a.ConsumerSecret, a.TokenSecret
	}
	b, _ := json.Marshal(secrets)
	file := filepath.Join(t.TempDir(), "secrets.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"connections", "create", "--type", "http", "--name", name, "--secrets-file", file,
		"--set", "base_uri=" + a.URL + "/v1", "--set", "signature_method=" + method, "--set", "consumer_key=" + ck,
		"--set", "ping_path=me", "--set", "ping_error_path=error.message"}
	for _, s := range kv {
		args = append(args, "--set", s)
	}
	return hx(t, home, nil, args...)
}

// secrets are the values that must never appear in an output, a log or
// the database: the secrets, the API key, and every line of the key.
func (a testAPI) secrets() map[string]string {
	m := map[string]string{"consumer_secret": a.ConsumerSecret, "token_secret": a.TokenSecret,
		"access_token": a.AccessToken, "api key": a.APIKey}
	for i, line := range strings.Split(strings.TrimSpace(a.PrivateKey), "\n") {
		if !strings.HasPrefix(line, "-----") {
			m[fmt.Sprintf("private key line %d", i)] = line
		}
	}
	return m
}

// received is a signed request the test API received.
type received struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

func (a testAPI) requests(t *testing.T) []received {
	t.Helper()
	resp, err := http.Get(a.URL + "/_test/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []received
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (a testAPI) counts(t *testing.T) map[string]int {
	t.Helper()
	resp, err := http.Get(a.URL + "/_test/counts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]int
	json.NewDecoder(resp.Body).Decode(&out)
	return out
}

// What follows checks an OAuth 1.0 signature with the standard library
// alone: RFC 5849 §3.4 written out here, apart from plugin/oauth1, so a
// mistake shared by the signer and its verifier would still be caught.

// enc is RFC 5849 §3.6 percent-encoding.
func enc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// formPairs decodes form data, keeping every pair in order.
func formPairs(s string) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		out = append(out, [2]string{k, v})
	}
	return out
}

// verifyOAuth checks r's signature and body hash with the test API's
// credentials and returns the method and where the parameters were.
func (a testAPI) verifyOAuth(r received) (method, where string, err error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return "", "", err
	}
	var params [][2]string
	params = append(params, formPairs(u.RawQuery)...)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		params = append(params, formPairs(r.Body)...)
	}
	where = "query or body"
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth "); ok {
		where = "header"
		for _, p := range strings.Split(auth, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			v, _ = url.PathUnescape(strings.Trim(v, `"`))
			if k != "realm" {
				params = append(params, [2]string{k, v})
			}
		}
	} else if strings.Contains(u.RawQuery, "oauth_signature=") {
		where = "query"
	} else {
		where = "body"
	}
	var sig, consumerKey, bodyHash string
	var signed [][2]string
	for _, p := range params {
		switch p[0] {
		case "oauth_signature":
			sig = p[1]
			continue
		case "oauth_signature_method":
			method = p[1]
		case "oauth_consumer_key":
			consumerKey = p[1]
		case "oauth_body_hash":
			bodyHash = p[1]
		}
		signed = append(signed, [2]string{enc(p[0]), enc(p[1])})
	}
	sort.Slice(signed, func(i, j int) bool { // by encoded name, then value
		return signed[i][0] < signed[j][0] || signed[i][0] == signed[j][0] && signed[i][1] < signed[j][1]
	})
	var pairs []string
	for _, p := range signed {
		pairs = append(pairs, p[0]+"="+p[1])
	}
	host := strings.ToLower(u.Host)
	host = strings.TrimSuffix(strings.TrimSuffix(host, ":80"), ":443") // the test API is http on another port
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	base := strings.ToUpper(r.Method) + "&" + enc(strings.ToLower(u.Scheme)+"://"+host+path) + "&" + enc(strings.Join(pairs, "&"))

	var h crypto.Hash
	var newHash func() hash.Hash
	switch {
	case strings.HasSuffix(method, "SHA256"):
		h, newHash = crypto.SHA256, sha256.New
	case strings.HasSuffix(method, "SHA512"):
		h, newHash = crypto.SHA512, sha512.New
	default:
		h, newHash = crypto.SHA1, sha1.New
	}
	if bodyHash != "" {
		d := newHash()
		d.Write([]byte(r.Body))
		if base64.StdEncoding.EncodeToString(d.Sum(nil)) != bodyHash {
			return method, where, errors.New("oauth_body_hash does not match the body")
		}
	}
	tokenSecret := ""
	if strings.Contains(base, enc("oauth_token=")) {
		tokenSecret = a.TokenSecret
	}
	key := enc(a.ConsumerSecret) + "&" + enc(tokenSecret)
	switch method {
	case "PLAINTEXT":
		if sig != key {
			return method, where, errors.New("PLAINTEXT signature is not the secrets")
		}
	case "HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512":
		m := hmac.New(newHash, []byte(key))
		m.Write([]byte(base))
		if !hmac.Equal([]byte(base64.StdEncoding.EncodeToString(m.Sum(nil))), []byte(sig)) {
			return method, where, errors.New(method + " signature does not match")
		}
	case "RSA-SHA1", "RSA-SHA256", "RSA-SHA512":
		if consumerKey != a.RSAConsumerKey {
			return method, where, errors.New("an RSA signature from another consumer key")
		}
		block, _ := pem.Decode([]byte(a.PrivateKey))
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return method, where, err
		}
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return method, where, err
		}
		d := newHash()
		d.Write([]byte(base))
		if err := rsa.VerifyPKCS1v15(&k.(*rsa.PrivateKey).PublicKey, h, d.Sum(nil), raw); err != nil {
			return method, where, fmt.Errorf("%s: %w", method, err)
		}
	default:
		return method, where, fmt.Errorf("unknown method %q", method)
	}
	return method, where, nil
}
