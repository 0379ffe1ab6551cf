// Package iostreams carries a command's standard streams and what is known
// about them (is it a terminal), so that commands can be tested with buffers
// and prompt only when a person is there.
package iostreams
