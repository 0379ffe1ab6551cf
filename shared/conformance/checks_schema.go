package conformance

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/openintegrator/integrator/schema"
)

// semver is a semantic version (semver.org), with an optional leading v.
var semver = regexp.MustCompile(`^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// checkSpec: the schema passes schema.Spec.Check, has a description and a
// semantic version, and every field has a label and help text (what a
// form shows).
func (s *suite) checkSpec() error {
	if err := s.needSpec(); err != nil {
		return err
	}
	var problems []string
	if err := s.spec.Check(); err != nil {
		problems = append(problems, err.Error())
	}
	if strings.TrimSpace(s.spec.Description) == "" {
		problems = append(problems, "it has no description")
	}
	if s.spec.Version != "" && !semver.MatchString(s.spec.Version) {
		problems = append(problems, fmt.Sprintf("version %q is not a semantic version such as 1.2.3", s.spec.Version))
	}
	for _, f := range s.spec.Fields {
		if strings.TrimSpace(f.Label) == "" {
			problems = append(problems, fmt.Sprintf("field %q has no label", f.Key))
		}
		if strings.TrimSpace(f.Help) == "" {
			problems = append(problems, fmt.Sprintf("field %q has no help text (say what the value is and where to find it)", f.Key))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// checkSecretKeys: every field whose key names a credential is secret,
// unless the key is public by design.
func (s *suite) checkSecretKeys() error {
	if err := s.needSpec(); err != nil {
		return err
	}
	var bad []string
	for _, f := range s.spec.Fields {
		if f.Secret || !credentialLike(f.Key) {
			continue
		}
		if slices.Contains(DefaultPublicKeys, f.Key) || slices.Contains(s.o.PublicKeys, f.Key) {
			continue
		}
		bad = append(bad, f.Key)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s %s a credential but %s not marked secret: mark %s secret (sealed at rest, never shown), or, for a key that is public by design, list it as public (Options.PublicKeys; integrator plugins check --public KEY)",
			strings.Join(bad, ", "), pick(len(bad), "names", "name"), pick(len(bad), "is", "are"), pick(len(bad), "it", "them"))
	}
	return nil
}

// pick is one when n is 1, else other.
func pick(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}

// checkValidateEmpty: Validate of empty settings reports an error on every
// setting the schema's own validation finds missing, all in one answer.
func (s *suite) checkValidateEmpty() error {
	if err := s.needSpec(); err != nil {
		return err
	}
	var want []string
	for _, d := range s.spec.Validate(schema.Config{}) {
		if d.Code == schema.CodeMissingRequired {
			want = append(want, d.Field)
		}
	}
	ds, err := s.validate("Validate of empty settings", schema.Config{})
	switch {
	case errors.Is(err, errHung):
		return s.hung("Validate", s.o.timeout())
	case err != nil:
		return fmt.Errorf("Validate failed: %v; a problem with the settings is a diagnostic, an error means the connector itself failed", err)
	}
	var reported, missed []string
	for _, key := range want {
		if _, ok := errorDiag(ds.ForField(key)); ok {
			reported = append(reported, key)
		} else {
			missed = append(missed, key)
		}
	}
	if len(missed) == 0 {
		return nil
	}
	got := "nothing on them"
	if len(reported) > 0 {
		got = "only " + strings.Join(reported, ", ")
	}
	return fmt.Errorf("Validate of empty settings reported %s, not %s: report every required setting at once, each as an error diagnostic on its field (the schema's own Validate does)",
		got, strings.Join(missed, ", "))
}
