// Package app is the host's core: the runtime every front end shares and
// the use cases they offer, as methods that take typed inputs and return
// typed results or typed errors. It never prints and never prompts.
//
// An App owns the runtime: the plugin folders and the plugins found there,
// their trust (the checksums recorded in the store), the supervisor that
// runs them, the store and the master key. It opens each piece on first use
// and Close stops every plugin it started.
//
// The use cases: list the connector types and show one; create and edit
// connections (a Draft: settings collected, prompted for by the front end,
// validated, tested, saved; an edit enters every secret again), test,
// list, show (secrets redacted) and delete them; open one for requests;
// run exports, imports and reports, which report through a Progress the
// caller gives and stop when its context ends, and list a connection's
// work in progress or left unfinished; list and trust plugins; rotate the
// master key.
//
// A RunManager runs exports, imports and reports in the background for a
// front end that cannot wait for them (the console): each gets an id and
// a folder of its own under the home, is watched through a Progress that
// keeps its last status and wakes its watchers, is stopped and resumed by
// its id, and ends in a history of runs, kept in the store, with its
// outcome.
//
// Errors that a front end words its own way are typed (NotFoundError,
// NameTakenError, UnknownTypeError, InputError, ValidationError,
// TestFailedError, InUseError, UnfinishedWorkError); their Error text names
// no command or flag. The CLI (host/cli) and, later, the web console call
// this package and nothing below it.
package app
