package conformance

import (
	"strings"
	"unicode"
)

// DefaultPublicKeys are setting keys that look like credentials but are
// public by design, so they need not be secret:
//
//   - consumer_key: the OAuth 1.0 client identifier, sent in clear as
//     oauth_consumer_key with every request (RFC 5849, section 3.1); its
//     secret half is consumer_secret.
//   - public_key: the public half of a key pair.
//   - publishable_key: a key made to be published in web pages (Stripe's
//     name for it).
//   - site_key: likewise, for a site (reCAPTCHA's name for it).
var DefaultPublicKeys = []string{"consumer_key", "public_key", "publishable_key", "site_key"}

// credentialWords are the last words of a setting key that name a
// credential: a key ending in one of them holds one (access_token,
// client_secret, private_key, api_key, db_password). Words are split at
// underscores, hyphens, dots and lower-to-upper case changes; a key
// written as one word (apikey) matches the compounds below.
var credentialWords = map[string]bool{
	"secret": true, "secrets": true, "password": true, "passwd": true, "passphrase": true, "pwd": true,
	"token": true, "tokens": true, "key": true, "keys": true, "credential": true, "credentials": true,
	"apikey": true, "apitoken": true, "accesskey": true, "accesstoken": true, "authtoken": true,
	"privatekey": true, "secretkey": true, "clientsecret": true,
}

// credentialLike reports whether a setting key names a credential: its
// last word is one of credentialWords. A key whose credential word is not
// last names something about a credential, not the credential
// (token_url, api_key_header, password_env).
func credentialLike(key string) bool {
	words := keyWords(key)
	return len(words) > 0 && credentialWords[words[len(words)-1]]
}

// keyWords splits a key into lower-case words.
func keyWords(key string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, strings.ToLower(cur.String()))
			cur.Reset()
		}
	}
	var prev rune
	for _, r := range key {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur.WriteRune(r)
		default:
			cur.WriteRune(r)
		}
		prev = r
	}
	flush()
	return words
}
