// Package secrets seals connection secrets with AES-256-GCM under a master
// key, and manages that key.
//
// Every sealed value carries the id of the key that sealed it and a random
// 96-bit nonce. The additional authenticated data binds the ciphertext to its
// connection id, field key and key id, so a ciphertext copied to another
// field or connection, a tampered one, or one opened with the wrong key fails
// with ErrIntegrity instead of yielding garbage.
//
// The master key comes from INTEGRATOR_MASTER_KEY (base64 of 32 bytes) or
// from a key file created with mode 0600 on first use. A key rotation
// writes the new key beside the key file (master.key.new) and renames it
// over the key file once the caller has re-sealed everything; key files
// appear whole or not at all. The key lock (master.key.lock, an advisory
// flock) lets the caller keep rotations apart from each other and from
// sealing. Package secrets knows nothing of the store or of connectors.
package secrets
