// Package queue is the job queue of queued runs: River
// (github.com/riverqueue/river) over the store's own PostgreSQL database
// (through riverdatabasesql, on the store's *sql.DB), so that a job is
// inserted in the same transaction as the store's rows it goes with (a
// queued run's history row and its first job; an export page's artifact,
// its checkpoint and its continuation). It holds River's client
// construction and migrations, the job args of every kind, and insert
// helpers; the workers that run the jobs are host/app's.
//
// A store on SQLite has no queue: Open and Migrate return
// store.ErrNoQueue.
//
// host/store never imports this package; it imports host/store.
package queue
