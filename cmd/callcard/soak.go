package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/ui"
)

// The soak runs the whole server in this process on loopback, over a fresh
// register with the demo firm, posts ringing webhooks at a steady rate while
// live-event subscribers listen, and checks three things: no request fails,
// every subscriber gets every acknowledged event, and goroutines and memory
// come back to where they started once the subscribers have gone.

// soakConfig is what `callcard soak` runs.
type soakConfig struct {
	Rate        int           // webhooks per second
	Duration    time.Duration // how long to send
	Subscribers int           // live-event streams
	Workers     int           // concurrent webhook senders; 0: 16
}

// soakSample is the process's footprint at one moment.
type soakSample struct {
	Goroutines int
	HeapBytes  uint64
	RSSBytes   uint64 // 0 where /proc is missing
}

// soakResult is what a soak measured.
type soakResult struct {
	Config       soakConfig
	Sent         int64
	Stored       int64 // acknowledged 2xx
	Errors       int64 // failed webhooks and failed stream connections
	FirstError   string
	AchievedRate float64
	P50, P99     time.Duration // webhook response time
	Expected     int64         // events each subscriber should get (= Stored)
	MinDelivered int64         // fewest acknowledged events one subscriber got
	Lost         int64         // acknowledged events missing, summed over subscribers
	Reconnects   int64
	Before       soakSample
	Peak         soakSample
	After        soakSample
	Took         time.Duration
}

// Tolerances for "back to where it started".
const (
	soakGoroutineSlack = 2
	soakHeapSlack      = 16 << 20
)

// AllDelivered says whether every subscriber got every acknowledged event.
func (r *soakResult) AllDelivered() bool { return r.Lost == 0 && r.MinDelivered == r.Expected }

// GoroutinesBack says whether the goroutines returned to their starting level.
func (r *soakResult) GoroutinesBack() bool {
	return r.After.Goroutines <= r.Before.Goroutines+soakGoroutineSlack
}

// HeapBack says whether the live heap returned to its starting level: within
// 16 MiB or half again, whichever is more.
func (r *soakResult) HeapBack() bool {
	return r.After.HeapBytes <= r.Before.HeapBytes+max(soakHeapSlack, r.Before.HeapBytes/2)
}

// Passed is the soak's verdict.
func (r *soakResult) Passed() bool {
	return r.Errors == 0 && r.Stored > 0 && r.AllDelivered() && r.GoroutinesBack() && r.HeapBack()
}

func cmdSoak(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("soak", env)
	rate := fs.Int("rate", 500, "webhooks per second (CALLCARD_RATE)")
	duration := fs.Duration("duration", 60*time.Second, "how long to send webhooks (CALLCARD_DURATION)")
	subscribers := fs.Int("subscribers", 50, "live-event subscribers (CALLCARD_SUBSCRIBERS)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: callcard soak [--rate 500] [--duration 60s] [--subscribers 50]\n\n"+
			"Runs the server in this process on loopback over a fresh register with the demo firm, posts ringing\n"+
			"webhooks at the rate given while subscribers listen to live events, and checks that nothing fails,\n"+
			"every subscriber gets every event, and goroutines and memory return to their starting level.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case *rate < 1 || *rate > 100000:
		return usageError("--rate must be from 1 to 100000 webhooks per second")
	case *duration <= 0:
		return usageError("--duration must be positive")
	case *subscribers < 0 || *subscribers > 10000:
		return usageError("--subscribers must be from 0 to 10000")
	}
	res, err := runSoak(ctx, env, soakConfig{Rate: *rate, Duration: *duration, Subscribers: *subscribers})
	if err != nil {
		return err
	}
	printSoak(env.Stdout, res)
	if !res.Passed() {
		return errors.New("the soak failed; see above")
	}
	return nil
}

// runSoak runs one soak and reports what it measured; err is for a soak
// that could not run at all.
func runSoak(ctx context.Context, env Env, cfg soakConfig) (*soakResult, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	started := time.Now()
	res := &soakResult{Config: cfg}
	dir, err := os.MkdirTemp("", "callcard-soak-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	srv, err := startSoakServer(ctx, filepath.Join(dir, "callcard.db"))
	if err != nil {
		return nil, err
	}
	defer srv.close()
	fmt.Fprintf(env.Stderr, "soak: server at %s, demo register loaded; %d webhooks/s for %s, %d subscribers\n",
		srv.base, cfg.Rate, cfg.Duration, cfg.Subscribers)

	res.Before = soakSettle(0)

	// Peak: sampled all through the run.
	sampleCtx, stopSampling := context.WithCancel(ctx)
	peakDone := make(chan soakSample)
	go func() {
		peak := soakMeasure()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-sampleCtx.Done():
				peakDone <- peak
				return
			case <-tick.C:
				s := soakMeasure()
				peak.Goroutines = max(peak.Goroutines, s.Goroutines)
				peak.HeapBytes = max(peak.HeapBytes, s.HeapBytes)
				peak.RSSBytes = max(peak.RSSBytes, s.RSSBytes)
			}
		}
	}()

	// Subscribers listen from the first event of the run, so none is missed
	// between connecting and the first webhook.
	streamTransport := &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}
	streamClient := &http.Client{Transport: streamTransport}
	subCtx, stopSubs := context.WithCancel(ctx)
	subs := make([]*soakSubscriber, cfg.Subscribers)
	var subsDone sync.WaitGroup
	for i := range subs {
		subs[i] = &soakSubscriber{base: srv.firstEventID, lastID: srv.firstEventID}
		subsDone.Add(1)
		go func() {
			defer subsDone.Done()
			subs[i].run(subCtx, streamClient, srv.base+"/api/v1/events", srv.token)
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); srv.hub.Count() < cfg.Subscribers; {
		if time.Now().After(deadline) {
			stopSubs()
			subsDone.Wait()
			stopSampling()
			<-peakDone
			return nil, fmt.Errorf("only %d of %d subscribers connected within 10 s", srv.hub.Count(), cfg.Subscribers)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Webhooks: a pacer hands out sequence numbers on schedule, workers post.
	hookTransport := &http.Transport{MaxIdleConnsPerHost: cfg.Workers, MaxConnsPerHost: cfg.Workers}
	hookClient := &http.Client{Transport: hookTransport, Timeout: 30 * time.Second}
	total := int(float64(cfg.Rate) * cfg.Duration.Seconds())
	jobs := make(chan int, cfg.Workers)
	var acked soakAcks
	var errs soakErrors
	latencies := make([][]time.Duration, cfg.Workers)
	var workers sync.WaitGroup
	for w := range cfg.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for seq := range jobs {
				t0 := time.Now()
				id, err := soakPost(ctx, hookClient, srv, seq)
				latencies[w] = append(latencies[w], time.Since(t0))
				if err != nil {
					errs.add(err)
					continue
				}
				acked.add(id)
			}
		}()
	}
	sendStart := time.Now()
	for seq := 0; seq < total && ctx.Err() == nil; seq++ {
		due := sendStart.Add(time.Duration(float64(seq) / float64(cfg.Rate) * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		jobs <- seq
		res.Sent++
	}
	close(jobs)
	workers.Wait()
	sendTook := time.Since(sendStart)
	res.AchievedRate = float64(res.Sent) / sendTook.Seconds()
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) > 0 {
		res.P50, res.P99 = all[len(all)/2], all[min(len(all)-1, len(all)*99/100)]
	}
	ids := acked.sorted()
	res.Stored, res.Expected = int64(len(ids)), int64(len(ids))

	// Give the streams a moment to drain, then disconnect them.
	for grace := time.Now().Add(10 * time.Second); time.Now().Before(grace); time.Sleep(20 * time.Millisecond) {
		done := true
		for _, s := range subs {
			if s.missing(ids) > 0 {
				done = false
				break
			}
		}
		if done {
			break
		}
	}
	stopSubs()
	subsDone.Wait()
	res.MinDelivered = res.Expected
	for _, s := range subs {
		lost := s.missing(ids)
		res.Lost += lost
		res.MinDelivered = min(res.MinDelivered, res.Expected-lost)
		res.Reconnects += s.reconnects
		if s.err != nil {
			errs.add(fmt.Errorf("events: %w", s.err))
		}
	}
	stopSampling()
	res.Peak = <-peakDone
	res.Errors, res.FirstError = errs.count(), errs.first()

	// After: no subscribers, no client connections, a full GC.
	hookTransport.CloseIdleConnections()
	streamTransport.CloseIdleConnections()
	for deadline := time.Now().Add(5 * time.Second); srv.hub.Count() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	res.After = soakSettle(res.Before.Goroutines + soakGoroutineSlack)
	res.Took = time.Since(started)
	return res, nil
}

// soakServer is the server under test, wired as `callcard serve` wires it.
type soakServer struct {
	store        *crm.Store
	hub          *api.Hub
	http         *http.Server
	done         chan error
	base         string
	token        string
	numbers      []string // demo numbers to ring from
	firstEventID int64    // the last event before the soak began
}

func startSoakServer(ctx context.Context, path string) (*soakServer, error) {
	store, err := (&registerFlags{database: path, region: "NL"}).open(ctx)
	if err != nil {
		return nil, err
	}
	s := &soakServer{store: store}
	sum, err := store.LoadDemo(ctx, crm.DemoOptions{})
	if err != nil {
		store.Close()
		return nil, err
	}
	for _, ex := range sum.Examples {
		if ex.Match != crm.MatchWithheld && strings.TrimSpace(ex.Raw) != "" {
			s.numbers = append(s.numbers, ex.Raw)
		}
	}
	if len(s.numbers) == 0 {
		s.numbers = []string{sum.Story.ContactNumber}
	}
	if _, s.token, err = store.CreateToken(ctx, "soak"); err != nil {
		store.Close()
		return nil, err
	}
	if s.firstEventID, err = store.LastLiveEventID(ctx); err != nil {
		store.Close()
		return nil, err
	}
	// Request logs at hundreds a second would measure the terminal.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	metrics := api.NewMetrics()
	s.hub = api.NewHub(func(n int) { metrics.LiveSubscribers.Set(float64(n)) })
	e := api.NewEcho(log)
	console, err := ui.New(e, ui.Config{Store: store, Logger: log, Publish: s.hub.Publish, StatusOf: api.StatusOf})
	if err != nil {
		store.Close()
		return nil, err
	}
	api.New(e, api.Config{Register: store, Hub: s.hub, Metrics: metrics, Logger: log,
		Sessions: func(c echo.Context) (api.Principal, bool) {
			u, ok := console.UserOf(c)
			return api.Principal{Kind: "user", Name: u.Username, Role: u.Role, UserID: u.ID}, ok
		}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		return nil, err
	}
	s.base = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	s.http.RegisterOnShutdown(s.hub.Close)
	s.done = make(chan error, 1)
	go func() { s.done <- s.http.Serve(ln) }()
	return s, nil
}

func (s *soakServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	<-s.done
	s.store.Close()
}

// soakPost sends ringing webhook seq and returns the event id it was stored as.
func soakPost(ctx context.Context, client *http.Client, srv *soakServer, seq int) (int64, error) {
	body := fmt.Sprintf(`{"call_id":"soak-%d","event":"ringing","from":%q}`, seq, srv.numbers[seq%len(srv.numbers)])
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.base+"/api/v1/webhooks/call", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+srv.token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode/100 != 2 {
		return 0, fmt.Errorf("webhook %d: %s: %s", seq, resp.Status, bytes.TrimSpace(out))
	}
	// {"status":"stored","call_id":..,"event_id":N,...}
	const key = `"event_id":`
	i := bytes.Index(out, []byte(key))
	if i < 0 || !bytes.Contains(out, []byte(`"status":"stored"`)) {
		return 0, fmt.Errorf("webhook %d: not stored: %s", seq, out)
	}
	rest := out[i+len(key):]
	end := bytes.IndexAny(rest, ",}")
	if end < 0 {
		return 0, fmt.Errorf("webhook %d: unreadable answer %s", seq, out)
	}
	return strconv.ParseInt(string(rest[:end]), 10, 64)
}

// soakSubscriber follows the live events like a console screen does: it
// reconnects with Last-Event-ID when its stream ends.
type soakSubscriber struct {
	base       int64 // event ids above this are the soak's
	lastID     int64
	mu         sync.Mutex
	seen       []uint64 // bit per event id above base
	reconnects int64
	err        error
}

func (s *soakSubscriber) run(ctx context.Context, client *http.Client, endpoint, token string) {
	for first := true; ; first = false {
		err := s.stream(ctx, client, endpoint, token, first)
		if ctx.Err() != nil {
			return
		}
		if s.reconnects >= 1000 {
			s.err = fmt.Errorf("gave up after %d reconnects: %w", s.reconnects, err)
			return
		}
		s.reconnects++
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *soakSubscriber) stream(ctx context.Context, client *http.Client, endpoint, token string, first bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	if first {
		req.URL.RawQuery = "last_event_id=" + strconv.FormatInt(s.lastID, 10)
	} else {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(s.lastID, 10))
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("events: %s", resp.Status)
	}
	br := bufio.NewReaderSize(resp.Body, 32<<10)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(line, []byte("id: ")) {
			continue
		}
		id, err := strconv.ParseInt(string(bytes.TrimSpace(line[4:])), 10, 64)
		if err != nil {
			return fmt.Errorf("bad event id %q", line)
		}
		s.mark(id)
	}
}

func (s *soakSubscriber) mark(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID = max(s.lastID, id)
	n := id - s.base - 1
	if n < 0 {
		return
	}
	for int64(len(s.seen))*64 <= n {
		s.seen = append(s.seen, 0)
	}
	s.seen[n/64] |= 1 << (n % 64)
}

// missing counts the acknowledged events this subscriber has not had.
func (s *soakSubscriber) missing(ids []int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, id := range ids {
		i := id - s.base - 1
		if i < 0 || i/64 >= int64(len(s.seen)) || s.seen[i/64]&(1<<(i%64)) == 0 {
			n++
		}
	}
	return n
}

type soakAcks struct {
	mu  sync.Mutex
	ids []int64
}

func (a *soakAcks) add(id int64) { a.mu.Lock(); a.ids = append(a.ids, id); a.mu.Unlock() }

func (a *soakAcks) sorted() []int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := slices.Clone(a.ids)
	slices.Sort(out)
	return out
}

type soakErrors struct {
	n        atomic.Int64
	mu       sync.Mutex
	firstErr string
}

func (e *soakErrors) add(err error) {
	if e.n.Add(1) == 1 {
		e.mu.Lock()
		e.firstErr = err.Error()
		e.mu.Unlock()
	}
}
func (e *soakErrors) count() int64 { return e.n.Load() }
func (e *soakErrors) first() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.firstErr
}

// soakSettle collects garbage, hands free memory back to the system and
// waits up to 5 s for goroutines to come down to target (0: don't wait).
func soakSettle(target int) soakSample {
	deadline := time.Now().Add(5 * time.Second)
	for target > 0 && runtime.NumGoroutine() > target && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	runtime.GC()
	debug.FreeOSMemory()
	return soakMeasure()
}

func soakMeasure() soakSample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return soakSample{Goroutines: runtime.NumGoroutine(), HeapBytes: ms.HeapAlloc, RSSBytes: soakRSS()}
}

// soakRSS is the resident set size from /proc/self/status, 0 if unknown.
func soakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func printSoak(w io.Writer, r *soakResult) {
	mib := func(b uint64) string {
		if b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.1f", float64(b)/(1<<20))
	}
	yes := map[bool]string{true: "yes", false: "NO"}
	c := r.Config
	fmt.Fprintf(w, "callcard soak: %d webhooks/s for %s, %d subscribers (%s in all)\n\n", c.Rate, c.Duration, c.Subscribers, r.Took.Round(time.Second))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tbefore\tpeak\tafter\tback?\t")
	fmt.Fprintf(tw, "goroutines\t%d\t%d\t%d\t%s\t\n", r.Before.Goroutines, r.Peak.Goroutines, r.After.Goroutines, yes[r.GoroutinesBack()])
	fmt.Fprintf(tw, "heap MiB\t%s\t%s\t%s\t%s\t\n", mib(r.Before.HeapBytes), mib(r.Peak.HeapBytes), mib(r.After.HeapBytes), yes[r.HeapBack()])
	fmt.Fprintf(tw, "RSS MiB\t%s\t%s\t%s\t\t\n", mib(r.Before.RSSBytes), mib(r.Peak.RSSBytes), mib(r.After.RSSBytes))
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "webhooks sent\t%d (%.1f/s achieved)\n", r.Sent, r.AchievedRate)
	fmt.Fprintf(tw, "webhooks stored (2xx)\t%d\n", r.Stored)
	fmt.Fprintf(tw, "response time\tp50 %s, p99 %s\n", r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond))
	fmt.Fprintf(tw, "errors\t%d\n", r.Errors)
	if r.FirstError != "" {
		fmt.Fprintf(tw, "first error\t%s\n", r.FirstError)
	}
	fmt.Fprintf(tw, "events per subscriber\t%d expected, fewest delivered %d, lost %d, reconnects %d\n", r.Expected, r.MinDelivered, r.Lost, r.Reconnects)
	fmt.Fprintf(tw, "all delivered\t%s\n", yes[r.AllDelivered()])
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	fmt.Fprintf(tw, "verdict\t%s\n", verdict)
	tw.Flush()
}
