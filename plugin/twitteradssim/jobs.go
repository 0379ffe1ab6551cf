package twitteradssim

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	maxProcessingJobs = 100
	downloadPrefix    = "/advertiser-api-async-analytics/"
	jobLifetime       = 7 * 24 * time.Hour
	twitterEpochMilli = 1288834974657
)

// job is an async stats job. Its status follows from the clock: it is
// PROCESSING until created+delay, then SUCCESS.
type job struct {
	id       uint64
	account  int
	q        statsQuery
	created  time.Time
	file     string
	polls    int // status answers given since SUCCESS
	attempts int // download attempts
}

type jobStore struct {
	mu        sync.Mutex
	byAccount map[int][]*job
	byFile    map[string]*job
	seq       uint64
}

func newJobStore() *jobStore {
	return &jobStore{byAccount: map[int][]*job{}, byFile: map[string]*job{}}
}

func (s *Server) jobDone(j *job, now time.Time) bool {
	return !now.Before(j.created.Add(s.cfg.jobDelay))
}

func (s *Server) createJob(c *call) error {
	q, herr := c.parseStats(90 * 24 * time.Hour)
	if herr != nil {
		return herr
	}
	if q.segmentation = c.params.Get("segmentation_type"); q.segmentation != "" && q.end.Sub(q.start) > 45*24*time.Hour {
		return paramError(CodeInvalidTimeWindow, "end_time", "segmented jobs may span at most 45 days")
	}
	now := s.now()
	js := s.jobs
	js.mu.Lock()
	processing := 0
	for _, j := range js.byAccount[c.account] {
		if !s.jobDone(j, now) {
			processing++
		}
	}
	if processing >= maxProcessingJobs {
		js.mu.Unlock()
		return paramError(CodeTooManyJobs, "", "There are already %d jobs processing for this account", processing)
	}
	js.seq++
	ms := uint64(max(now.UnixMilli()-twitterEpochMilli, 0))
	j := &job{id: ms<<22 | js.seq&(1<<22-1), account: c.account, q: q, created: now}
	j.file = fmt.Sprintf("%016x%08x", hash(uint64(s.cfg.seed), j.id, js.seq), uint32(js.seq))
	js.byAccount[c.account] = append(js.byAccount[c.account], j)
	js.byFile[j.file] = j
	body := s.jobJSONLocked(c, j, now, false)
	js.mu.Unlock()
	s.counts.created("stats job", 1)
	return c.ok(body)
}

// jobJSONLocked renders a job; poll says a status request is looking,
// which counts toward the polls that still see "url": null.
func (s *Server) jobJSONLocked(c *call, j *job, now time.Time, poll bool) map[string]any {
	status := "PROCESSING"
	var url, expires any
	if s.jobDone(j, now) {
		status = "SUCCESS"
		done := j.created.Add(s.cfg.jobDelay)
		expires = fmtTime(done.Add(jobLifetime))
		if poll {
			j.polls++
		}
		if j.polls > s.cfg.nullURLPolls {
			url = s.DownloadURL + downloadPrefix + j.file + ".json.gz"
		}
	}
	var seg any
	if j.q.segmentation != "" {
		seg = j.q.segmentation
	}
	return map[string]any{
		"id": j.id, "id_str": strconv.FormatUint(j.id, 10), "status": status, "url": url,
		"expires_at": expires, "account_id": c.accountID(), "entity": j.q.entity, "entity_ids": j.q.ids,
		"start_time": fmtTime(j.q.start), "end_time": fmtTime(j.q.end), "granularity": j.q.granularity,
		"placement": j.q.placement, "metric_groups": j.q.groups, "segmentation_type": seg,
		"country": nil, "platform": nil, "created_at": fmtTime(j.created), "updated_at": fmtTime(now),
	}
}

// listJobs serves GET /stats/jobs/accounts/:id, optionally for job_ids.
func (s *Server) listJobs(c *call) error {
	pg, herr := c.pageParams(kindCursor)
	if herr != nil {
		return herr
	}
	ids, herr := splitIDs(c.params, "job_ids", maxIDs)
	if herr != nil {
		return herr
	}
	now := s.now()
	js := s.jobs
	js.mu.Lock()
	defer js.mu.Unlock()
	all := js.byAccount[c.account]
	var picked []int
	for i, j := range all {
		if ids == nil || containsString(ids, strconv.FormatUint(j.id, 10)) {
			picked = append(picked, i)
		}
	}
	data := []map[string]any{}
	var next uint32
	more := false
	for _, i := range picked {
		if uint32(i) < pg.from {
			continue
		}
		if len(data) == pg.count {
			next, more = uint32(i), true
			break
		}
		data = append(data, s.jobJSONLocked(c, all[i], now, true))
	}
	var nc cursorVal
	if more {
		nc = cursorVal(s.store.codec.cursor(kindCursor, next))
	}
	var total *int
	if pg.withTotal {
		n := len(picked)
		total = &n
	}
	writeJSON(c.w, http.StatusOK, listBody{Data: data, Request: requestEcho{Params: c.echo()},
		NextCursor: nc, TotalCount: total})
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// serveDownload is the download host: unsigned GETs of job results.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) {
	s.counts.request("GET (download)")
	s.withFaults(w, r, true, nil, nil, func(w http.ResponseWriter) { s.download(w, r) })
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	file, ok := strings.CutPrefix(r.URL.Path, downloadPrefix)
	file, ok2 := strings.CutSuffix(file, ".json.gz")
	js := s.jobs
	js.mu.Lock()
	j := js.byFile[file]
	available := ok && ok2 && j != nil && s.jobDone(j, s.now())
	if available {
		j.attempts++
		available = j.attempts > s.cfg.downloadNotFound
	}
	var q statsQuery
	if available {
		q = j.q
	}
	js.mu.Unlock()
	if !available {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n")
		return
	}
	s.counts.download()
	w.Header().Set("Content-Type", "application/gzip")
	gz := gzip.NewWriter(w)
	defer gz.Close()
	fmt.Fprintf(gz, `{"data_type":"stats","time_series_length":%d,"data":[`, q.seriesLength())
	for i, id := range q.ids {
		if i > 0 {
			gz.Write([]byte{','})
		}
		b, _ := json.Marshal(s.entityStats(q, id))
		if _, err := gz.Write(b); err != nil {
			return
		}
	}
	b, _ := json.Marshal(requestEcho{Params: q.echo()})
	fmt.Fprintf(gz, `],"request":%s}`, b)
}
