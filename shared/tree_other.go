//go:build !unix

package shared

func endTreeOnStop() {}

func endTree(bool) {}
