// Package oauth1 signs HTTP requests with OAuth 1.0a (RFC 5849), as the X
// Ads API and other OAuth 1.0 services require, and verifies such
// signatures on a server, such as the X Ads API simulator.
//
// A [Signer] holds the credentials and signs a request exactly as net/http
// will send it. [Verify] checks a received request against secrets looked
// up by consumer key and token; [VerifyKeys] also against a client's RSA
// public key. [BaseString] shows the signature base string of a signed or
// received request: when a server answers 401, compare it with the
// server's.
//
// # Methods, keys and placements
//
//   - HMAC-SHA1 (the zero [Method]), HMAC-SHA256 and HMAC-SHA512 sign with
//     the key enc(consumer secret) "&" enc(token secret); PLAINTEXT sends
//     that key as the signature (use it over TLS only).
//   - RSA-SHA1 (RFC 5849 §3.4.3), RSA-SHA256 and RSA-SHA512 sign the base
//     string with RSASSA-PKCS1-v1_5 and the client's RSA private key,
//     [Signer.PrivateKey], and use no secret. [ParsePrivateKey] reads the
//     key from PEM, PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY");
//     it refuses an encrypted key, a key that is not RSA and a key of fewer
//     than 1024 bits. 1024 is crypto/rsa's own floor and the size of the
//     published OAuth test keys and of many keys registered with OAuth 1.0
//     services, which the server, not the client, chose to trust; make a
//     new key with 2048 bits or more. Errors never contain key material.
//   - [Signer.Placement] puts the protocol parameters in the Authorization
//     header ([InHeader], the default and RFC 5849's preferred way), the
//     query string ([InQuery]) or a form body ([InBody], which needs the
//     Content-Type application/x-www-form-urlencoded). The signature is
//     the same in all three. A realm is sent only in the header (RFC 5849
//     §3.5.1): Sign refuses a Realm with another placement. Signing again
//     (a retry) replaces the protocol parameters it sent before.
//
// # What is signed
//
// The package follows RFC 5849 §3.4 to §3.6 to the byte:
//
//   - Names and values are UTF-8 and percent-encoded except ALPHA, DIGIT,
//     "-", ".", "_" and "~", with upper-case hex: "!*'()" become
//     %21%2A%27%28%29 and a space %20.
//   - The query is form data: "+" is a space, %2B a plus, every duplicate
//     name is kept, "a" and "a=" both mean an empty value, ";" is an
//     ordinary character.
//   - A body is signed only when its Content-Type is
//     application/x-www-form-urlencoded (any case, parameters such as
//     charset allowed). Other bodies are not signed; with
//     [Signer.BodyHash], oauth_body_hash covers them: base64 of the body's
//     SHA-1 for HMAC-SHA1, RSA-SHA1 and PLAINTEXT, as the OAuth Request
//     Body Hash extension says, and of its SHA-256 or SHA-512 for the
//     methods named after those hashes, which the extension leaves to
//     their specifications (oauthlib sends SHA-1 with every method).
//   - Parameters sort by encoded name, then encoded value, in byte order.
//   - The base string URI has a lower-case scheme and host, the port
//     unless it is the scheme's default, the path as sent (escapes kept,
//     "/" if empty), and no query or fragment. The host is r.Host, the Host
//     header net/http sends; a host that is not ASCII is refused, since
//     net/http would send its punycode form.
//   - Without a token, oauth_token is not sent.
//   - oauth_version="1.0" is sent and signed; oauth_signature and realm are
//     never signed, and oauth_signature is ignored in a query or body too.
//   - The header is `OAuth ` then name="value" pairs joined by ", ", in
//     sorted order. The realm, first if set, is an RFC 2617 quoted-string
//     (RFC 5849 §3.5.1 item 4), not percent-encoded: realm="Photos",
//     realm="https://ddo.me/".
//
// Verify reads the protocol parameters from the OAuth Authorization header
// or, without one, from the query and form body, where each may appear
// once. It checks the RSA methods only through VerifyKeys, and a client
// whose Keys hold a public key and no consumer secret may use the RSA
// methods only: an empty secret would let anyone sign with HMAC.
//
// # Checked against
//
// Published vectors (testdata/*.json, with their sources): RFC 5849, the X
// documentation, oauthlib, ddo/oauth-1.0a, dghubble/oauth1, and for RSA
// the OAuth wiki's RSA-SHA1 test case (the photos.example.net request,
// PKCS#8 key) and oauthlib's RSA-SHA1/256/512 signatures (PKCS#1 key).
// Generated requests of every method and placement are checked off the
// wire by a reference verifier written apart from the signer (the
// standard library's parsers, crypto/hmac, crypto/rsa.VerifyPKCS1v15), and
// FuzzSignVerify signs arbitrary ones.
//
// # What it is not for
//
// It makes no HTTP calls: it does not run the three-legged flow (sign the
// request_token and access_token requests yourself with
// [Signer.Callback] and [Signer.Verifier]). It does not hold keys in an
// HSM (PrivateKey is an *rsa.PrivateKey) and has no RSA-PSS. Verify does
// not check the timestamp window or nonce replay: the caller does, with
// [Verified]. Behind a proxy that terminates TLS, tell Verify the scheme
// the client used by setting r.TLS or an absolute r.URL. In FIPS 140-only
// mode, HMAC-SHA1, RSA-SHA1, SHA-1 body hashes and keys the module refuses
// are errors, not panics.
//
// # Compared with github.com/dghubble/oauth1
//
// The tests sign thousands of generated requests with both packages and
// require identical signatures where dghubble/oauth1 v0.7.3 follows the
// RFC. It signs something else, so a strict server answers 401, when:
//
//   - a name repeats in the query or body, or appears in both: it keeps one
//     value per name;
//   - the form Content-Type has parameters ("; charset=utf-8") or another
//     case: it then ignores the body;
//   - the path is empty: it leaves the base string URI without "/";
//   - the port is 443 with http or 80 with https: it drops either port
//     whatever the scheme;
//   - the query holds ";" or a bad escape: url.Query drops such pairs;
//   - there is no token: its Transport sends and signs oauth_token="".
//
// It also percent-encodes the realm, uses r.URL.Host rather than r.Host,
// and has no oauth_body_hash, HMAC-SHA512, RSA-SHA256 or RSA-SHA512, and
// no placement but the header. TestDghubbleDifferences pins the
// differences in signing; RSA-SHA1 signatures are identical.
//
// Sign allocates little: the encoded parameters, base string and key live
// in one buffer on the stack; the MAC is crypto/hmac's, the RSA signature
// crypto/rsa's. docs/benchmarks.md has the figures.
package oauth1
