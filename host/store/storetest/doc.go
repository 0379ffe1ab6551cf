// Package storetest gives tests a PostgreSQL schema of their own on the
// server named by INTEGRATOR_TEST_POSTGRES (a postgres:// URL; wrap a
// command in .ci/with-postgres, or run 'make test-postgres', to have a
// throwaway one): PostgresURL makes the schema, drops it when the test
// ends, and returns a URL whose search_path selects it. Without the
// variable the test is skipped, saying so, which is how 'make test' can
// tell whether the PostgreSQL tests ran.
//
// It is for _test.go files only (a test checks that no other file imports
// it). It does not import host/store, so that store's own internal tests
// can use it without an import cycle; opening a store on the URL is the
// caller's (store.OpenURL).
package storetest
