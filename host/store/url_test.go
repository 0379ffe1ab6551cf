package store

import (
	"context"
	"strings"
	"testing"
)

// A store URL's password never shows: not in errors of a URL that does
// not parse, of a server that cannot be reached, nor in Where.
func TestStoreURLPasswordIsNeverShown(t *testing.T) {
	const pw = "s3cr3t-Pass"
	for _, raw := range []string{
		"postgres://ann:" + pw + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=2",
		"postgres://ann:" + pw + "@127.0.0.1:notaport/db",
		"postgres://127.0.0.1:1/db?sslmode=disable&connect_timeout=2&password=" + pw,
		"postgresql://ann:" + pw + "@[::1/db",
	} {
		_, err := OpenURL(context.Background(), raw)
		if err == nil {
			t.Fatalf("%s opened", RedactURL(raw))
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("the error shows the password: %v", err)
		}
		if strings.Contains(RedactURL(raw), pw) {
			t.Errorf("RedactURL shows the password: %s", RedactURL(raw))
		}
		t.Logf("%v", err)
	}
}
