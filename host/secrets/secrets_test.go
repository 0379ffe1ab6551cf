package secrets

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

func TestSealOpenAndBindings(t *testing.T) {
	kr, err := Load(noEnv, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := Binding{ConnectionID: "c1", Field: "token_secret"}
	s, err := kr.Seal([]byte("hunter2"), b)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(s.Ciphertext, []byte("hunter2")) || len(s.Nonce) != 12 || s.KeyID != kr.Primary.ID {
		t.Fatalf("sealed: %+v", s)
	}
	got, err := kr.Open(s, b)
	if err != nil || string(got) != "hunter2" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	s2, _ := kr.Seal([]byte("hunter2"), b)
	if bytes.Equal(s.Nonce, s2.Nonce) || bytes.Equal(s.Ciphertext, s2.Ciphertext) {
		t.Error("two seals of one value are equal: nonce reused")
	}

	tampered := s
	tampered.Ciphertext = append([]byte(nil), s.Ciphertext...)
	tampered.Ciphertext[0] ^= 1
	other, _ := NewKey()
	cases := map[string]struct {
		s Sealed
		b Binding
		k *Keyring
	}{
		"other field":      {s, Binding{"c1", "access_token"}, kr},
		"other connection": {s, Binding{"c2", "token_secret"}, kr},
		"tampered":         {tampered, b, kr},
		"short nonce":      {Sealed{KeyID: s.KeyID, Nonce: s.Nonce[:4], Ciphertext: s.Ciphertext}, b, kr},
		"key id rewritten": {Sealed{KeyID: other.ID, Nonce: s.Nonce, Ciphertext: s.Ciphertext}, b, &Keyring{Primary: other, byID: map[string]*Key{other.ID: other}}},
		"wrong master key": {s, b, &Keyring{Primary: other, byID: map[string]*Key{other.ID: other}}},
	}
	for name, c := range cases {
		if _, err := c.k.Open(c.s, c.b); !errors.Is(err, ErrIntegrity) {
			t.Errorf("%s: err = %v, want ErrIntegrity", name, err)
		}
	}
}

func TestKeyFileCreatedPrivateAndReused(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	a, err := Load(noEnv, home)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(home, KeyFileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	b, err := Load(noEnv, home)
	if err != nil || b.Primary.ID != a.Primary.ID {
		t.Fatalf("second load: %v, ids %s %s", err, a.Primary.ID, b.Primary.ID)
	}
	if err := os.Chmod(filepath.Join(home, KeyFileName), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(noEnv, home); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key file: err = %v", err)
	}
}

func TestKeyFromEnv(t *testing.T) {
	k, _ := NewKey()
	env := map[string]string{KeyEnv: k.Encode()}
	home := t.TempDir()
	kr, err := Load(func(s string) string { return env[s] }, home)
	if err != nil || kr.Primary.ID != k.ID || !kr.FromEnv {
		t.Fatalf("%v %+v", err, kr)
	}
	if _, err := os.Stat(filepath.Join(home, KeyFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a key file was created although the key came from the environment")
	}
	for _, bad := range []string{"not base64!!", "c2hvcnQ="} {
		env[KeyEnv] = bad
		_, err := Load(func(s string) string { return env[s] }, home)
		if err == nil || strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), KeyEnv) {
			t.Errorf("bad key %q: err = %v", bad, err)
		}
	}
}

func TestRotationSurvivesAnInterruption(t *testing.T) {
	home := t.TempDir()
	kr, _ := Load(noEnv, home)
	old := kr.Primary
	b := Binding{"c", "f"}
	s, _ := kr.Seal([]byte("v"), b)

	r, err := kr.BeginRotation(nil)
	if err != nil {
		t.Fatal(err)
	}
	resealed, _ := r.New.Seal([]byte("v"), b)
	// The process stops here: the store holds values under the new key, the
	// key file still holds the old one.
	kr2, err := Load(noEnv, home)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := kr2.Open(resealed, b); err != nil || string(got) != "v" {
		t.Fatalf("value sealed under the pending key: %q %v", got, err)
	}
	if got, err := kr2.Open(s, b); err != nil || string(got) != "v" {
		t.Fatalf("value under the old key: %q %v", got, err)
	}
	r2, err := kr2.BeginRotation(nil)
	if err != nil || r2.New.ID != r.New.ID {
		t.Fatalf("a second rotation did not pick up the pending key: %v", err)
	}
	if err := r2.Commit(); err != nil {
		t.Fatal(err)
	}
	kr3, _ := Load(noEnv, home)
	if kr3.Primary.ID != r.New.ID || kr3.Primary.ID == old.ID {
		t.Errorf("after commit the primary key is %s, want %s", kr3.Primary.ID, r.New.ID)
	}
	if _, err := os.Stat(filepath.Join(home, KeyFileName+pendingSuffix)); !errors.Is(err, os.ErrNotExist) {
		t.Error("pending key file left behind")
	}
}

func TestEnvRotationNeedsTheNewKey(t *testing.T) {
	k, _ := NewKey()
	kr, _ := Load(func(s string) string { return map[string]string{KeyEnv: k.Encode()}[s] }, t.TempDir())
	if _, err := kr.BeginRotation(nil); err == nil || !strings.Contains(err.Error(), "--new-key-env") {
		t.Errorf("err = %v", err)
	}
}
