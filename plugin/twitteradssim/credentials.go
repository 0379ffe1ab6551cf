package twitteradssim

import (
	"strconv"
	"strings"
)

// Credentials are an app's consumer key and secret plus a user's access
// token and token secret: the four values OAuth 1.0a user context needs.
type Credentials struct {
	ConsumerKey    string
	ConsumerSecret string
	AccessToken    string // "<numeric user id>-<alphanumeric>"
	TokenSecret    string
}

// userID is the numeric prefix of an access token.
func (c Credentials) userID() string {
	id, _, _ := strings.Cut(c.AccessToken, "-")
	return id
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// demoCredentials derives credentials shaped like the real ones from the
// seed and a salt, so a demo prints the same values on every run.
func demoCredentials(seed int64, salt string) Credentials {
	base := hash(uint64(seed), hashString(salt))
	str := func(field uint64, n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(alnum[hash(base, field, uint64(i))%uint64(len(alnum))])
		}
		return b.String()
	}
	user := 1_000_000_000_000_000 + hash(base, 9)%8_000_000_000_000_000
	return Credentials{
		ConsumerKey:    str(1, 25),
		ConsumerSecret: str(2, 50),
		AccessToken:    strconv.FormatUint(user, 10) + "-" + str(3, 31),
		TokenSecret:    str(4, 45),
	}
}
