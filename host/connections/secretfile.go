package connections

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/openintegrator/integrator/schema"
)

// MaxSecretFile is the most --secret-file reads: a secret file holds one
// value (an RSA key of 8192 bits is under 7 KiB as PEM).
const MaxSecretFile = 64 << 10

// MaxSecretsFile is the most --secrets-file reads: a file of settings.
const MaxSecretsFile = 1 << 20

// secretFile applies one --secret-file KEY=FILE: the file's content is the
// value, line breaks included, as a secret (of a secret field, or a secret
// entry of a key/value list). One line break at the end, which editors and
// echo add, is dropped unless the setting is multi-line text. Like
// secretEnv, its messages repeat KEY only when it is a setting, FILE only
// when a file of that name exists, and never the content.
func secretFile(spec schema.Spec, kv string, put func(key, text, source string, secret bool)) (string, bool) {
	key, path, ok := strings.Cut(kv, "=")
	if !known(spec, key) {
		what := notASetting(spec, key, ok)
		return fmt.Sprintf("--secret-file: %s; write KEY=FILE, with KEY one of %s and FILE the path of a file that holds the value",
			what, secretTargets(spec)), false
	}
	if !ok || path == "" {
		return fmt.Sprintf("--secret-file %s: write it as %s=FILE, the path of a file that holds the value", key, key), false
	}
	text, err := ReadSecretFile(spec, key, path)
	if err != nil {
		return fmt.Sprintf("--secret-file %s: %v", key, err), false
	}
	put(key, text, "--secret-file "+key, true)
	return "", true
}

// ReadSecretFile reads the value of setting key (a field or an entry key)
// from the file at path, as --secret-file does: see readSecretFile for
// what is refused. One line break at the end is dropped unless the setting
// is multi-line text.
func ReadSecretFile(spec schema.Spec, key, path string) (string, error) {
	text, err := readSecretFile(path)
	if err != nil {
		return "", err
	}
	if f, ok := spec.Field(key); !ok || f.Kind != schema.KindText {
		text = strings.TrimSuffix(text, "\n")
		text = strings.TrimSuffix(text, "\r")
	}
	return text, nil
}

// readSecretFile reads a secret from path: a private file (see
// readPrivate) of at most MaxSecretFile bytes of UTF-8 text, not empty.
func readSecretFile(path string) (string, error) {
	b, err := readPrivate(path, MaxSecretFile, "a secret file holds one value")
	switch {
	case err != nil:
		return "", err
	case len(b) == 0:
		return "", fmt.Errorf("%s is empty", path)
	case !utf8.Valid(b):
		return "", fmt.Errorf("%s is not UTF-8 text (a PEM key is; a DER key can be turned into one with openssl)", path)
	}
	return string(b), nil
}

// readPrivate reads a file that holds secrets: a regular file that only
// its owner can read (or a pipe, as from the shell's <(command)), of at
// most limit bytes (why says why, in the message of a larger one). Its
// errors never hold the content, and name path only when something
// exists there: a user who pasted the secret itself in its place must
// not see it echoed.
func readPrivate(path string, limit int64, why string) ([]byte, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("no file of that name exists" + hidden)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, bare(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, bare(err))
	}
	switch mode := info.Mode(); {
	case mode.IsRegular():
		if mode.Perm()&0o077 != 0 {
			return nil, fmt.Errorf("%s can be read by others (mode %#o): run chmod 600 %s", path, mode.Perm(), path)
		}
	case mode&fs.ModeNamedPipe != 0:
	default:
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	case int64(len(b)) > limit:
		return nil, fmt.Errorf("%s is larger than %d KiB: %s", path, limit>>10, why)
	}
	return b, nil
}

// bare returns the reason of a path error without the path, which the
// message names already.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
