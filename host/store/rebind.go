package store

import (
	"context"
	"database/sql/driver"
	"strconv"
	"strings"
)

// rebind numbers a query's ? placeholders for PostgreSQL ($1, $2, ...),
// leaving alone a ? inside a quoted string, a quoted name or a comment.
// The store's queries are written once, with ?, for both databases.
//
// A query that already holds a $<digit> placeholder is left as it is:
// it was written for PostgreSQL (River's, through the queue package), and
// a ? in it is PostgreSQL's JSON operator, not a placeholder.
func rebind(query string) string {
	if !strings.Contains(query, "?") || numbered(query) {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(query) && query[j] != c {
				j++
			}
			b.WriteString(query[i:min(j+1, len(query))])
			i = j
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			b.WriteString(query[i : i+j])
			i += j - 1
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// numbered reports whether query holds a $ followed by a digit: a
// PostgreSQL placeholder.
func numbered(query string) bool {
	for i := strings.IndexByte(query, '$'); i >= 0 && i+1 < len(query); {
		if c := query[i+1]; c >= '0' && c <= '9' {
			return true
		}
		j := strings.IndexByte(query[i+1:], '$')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// pgConn is what the pgx database/sql driver's connection offers.
type pgConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.NamedValueChecker
	driver.SessionResetter
}

// rebindConnector makes connections whose queries are rebound.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return rebindConn{conn.(pgConn)}, nil
}

// rebindConn passes every query through rebind.
type rebindConn struct{ pgConn }

func (c rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.pgConn.Prepare(rebind(query))
}

func (c rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.pgConn.PrepareContext(ctx, rebind(query))
}

func (c rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.pgConn.ExecContext(ctx, rebind(query), args)
}

func (c rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.pgConn.QueryContext(ctx, rebind(query), args)
}
