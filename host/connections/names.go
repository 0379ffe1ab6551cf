package connections

// ValidEnvName reports whether name can name an environment variable: a
// letter or underscore, then letters, digits and underscores.
func ValidEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Showable reports whether a name the user gave where a name belongs
// (--secret-env KEY=NAME, --new-key-env NAME, a key in --secrets-file)
// may be repeated in a message. A user who pasted a secret in its place
// must not see it echoed to the terminal, a log or a CI transcript, so a
// name is shown only when it has the usual shape of a variable or setting
// name: at most 64 letters of one case, digits and underscores, starting
// with a letter or underscore, and holding an underscore or no digit
// (TW_CONSUMER_SECRET, TOKEN, consumer_secret). Credentials, which mix
// cases or letters and digits (kAcSOqF2..., 12345-AbC, JBSWY3DP...), are
// never shown.
func Showable(name string) bool {
	if !ValidEnvName(name) || len(name) > 64 {
		return false
	}
	var upper, lower, digit, underscore bool
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		case c == '_':
			underscore = true
		}
	}
	return !(upper && lower) && (underscore || !digit)
}
