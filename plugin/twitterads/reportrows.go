package twitterads

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// reportRow is one line of a report: an entity's metrics in one segment
// and job window. Its fields, in this order, are the report's output.
type reportRow struct {
	ID          json.RawMessage `json:"id"`
	Segment     json.RawMessage `json:"segment"`
	StartTime   string          `json:"start_time"`
	EndTime     string          `json:"end_time"`
	Granularity string          `json:"granularity"`
	Placement   string          `json:"placement"`
	JobID       string          `json:"job_id"`
	Metrics     json.RawMessage `json:"metrics"`
}

// rowsBody is a job's rows, written into a pipe by a goroutine that reads
// the result as it arrives: memory stays bounded for a result of any
// size. A result that breaks off makes Read fail.
type rowsBody struct {
	*io.PipeReader
	src  io.Closer
	done chan struct{}
}

func streamRows(src io.ReadCloser, q shared.ReportQuery, jobID string) io.ReadCloser {
	pr, pw := io.Pipe()
	b := &rowsBody{PipeReader: pr, src: src, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		err := writeRows(src, q, jobID, pw)
		src.Close()
		pw.CloseWithError(err) // nil: the reader sees io.EOF
	}()
	return b
}

// Close stops the download and waits for the goroutine to end.
func (b *rowsBody) Close() error {
	b.PipeReader.Close()
	b.src.Close()
	<-b.done
	return nil
}

// writeRows reads a result file (gzip, or plain JSON) as a stream and
// writes one JSON line to w per entity and segment in its "data".
func writeRows(body io.Reader, q shared.ReportQuery, jobID string, w io.Writer) error {
	br := bufio.NewReaderSize(body, 64<<10)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		in = gz
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	dec := json.NewDecoder(in)
	if err := expect(dec, '{'); err != nil {
		return err
	}
	row := reportRow{StartTime: q.Start.UTC().Format(time.RFC3339), EndTime: q.End.UTC().Format(time.RFC3339),
		Granularity: q.Granularity, Placement: q.Placement, JobID: jobID}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok != "data" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if err := expect(dec, '['); err != nil {
			return err
		}
		for dec.More() {
			var e struct {
				ID     json.RawMessage `json:"id"`
				IDData []struct {
					Segment json.RawMessage `json:"segment"`
					Metrics json.RawMessage `json:"metrics"`
				} `json:"id_data"`
			}
			if err := dec.Decode(&e); err != nil {
				return err
			}
			for _, d := range e.IDData {
				row.ID, row.Segment, row.Metrics = e.ID, d.Segment, d.Metrics
				b, err := json.Marshal(row)
				if err != nil {
					return err
				}
				bw.Write(b)
				if err := bw.WriteByte('\n'); err != nil { // the reader is gone
					return err
				}
			}
		}
		if err := expect(dec, ']'); err != nil {
			return err
		}
	}
	if err := expect(dec, '}'); err != nil {
		return err
	}
	// Read to the end, so that gzip checks its length and checksum.
	if _, err := io.Copy(io.Discard, in); err != nil {
		return err
	}
	return bw.Flush()
}

// expect reads the next token, which must be the delimiter want.
func expect(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err == nil && (!ok || d != want) {
		err = fmt.Errorf("the result is not a stats job's JSON: found %v where %v belongs", tok, want)
	}
	return err
}
