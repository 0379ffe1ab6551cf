//go:build !unix

package app

// noFollow is not available here: the check with Lstat before opening a
// run's file is all there is.
const noFollow = 0
