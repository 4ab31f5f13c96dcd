package main

import (
	"bufio"
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
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
	"github.com/callcard/callcard/ui"
)

// `callcard bench` measures the whole server in one run, on this machine:
// it builds a synthetic register with the real importers, serves it exactly
// as `serve` does on a loopback port, and drives it with real HTTP clients:
// ringing webhooks at a fixed rate timed until each live event reaches every
// screen, look-ups side by side with a bare echo handler, and caller cards
// straight from the store. It prints the figures beside their targets and
// writes them as JSON. See docs/performance.md.

// The targets the figures are held to.
const (
	targetSSEP99        = 5 * time.Millisecond
	targetLookupRatio   = 0.5
	targetCardP99       = time.Millisecond
	targetLookupP99     = time.Millisecond
	targetImportRate    = 50_000 // rows/s
	targetRSSMB         = 200
	deliveryGrace       = 2 * time.Second
	benchClientTimeout  = 10 * time.Second
	benchConnectTimeout = 10 * time.Second
	cardTimeBudget      = 10 * time.Second
)

func cmdBench(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("bench", env)
	var cfg benchConfig
	fs.IntVar(&cfg.Contacts, "contacts", 1_000_000, "contacts in the synthetic register (CALLCARD_CONTACTS)")
	fs.IntVar(&cfg.Rate, "rate", 1000, "ringing webhooks per second (CALLCARD_RATE)")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long to send webhooks (CALLCARD_DURATION)")
	fs.IntVar(&cfg.Subscribers, "subscribers", 10, "live-event screens connected to /api/v1/events (CALLCARD_SUBSCRIBERS)")
	fs.IntVar(&cfg.Workers, "workers", 64, "most webhooks in flight at once (CALLCARD_WORKERS)")
	fs.IntVar(&cfg.LookupClients, "lookup-clients", 8, "concurrent look-up clients (CALLCARD_LOOKUP_CLIENTS)")
	fs.DurationVar(&cfg.lookupDuration, "lookup-duration", 10*time.Second, "how long each look-up load runs (CALLCARD_LOOKUP_DURATION)")
	fs.IntVar(&cfg.Cards, "cards", 5000, "caller cards to assemble at most (CALLCARD_CARDS)")
	fs.Int64Var(&cfg.Seed, "seed", 42, "seed of the synthetic register and the caller mix (CALLCARD_SEED)")
	fs.IntVar(&cfg.NumberCache, "number-cache", phone.DefaultCacheSize, "recent inputs the number normaliser remembers; -1: none, every number is parsed (CALLCARD_NUMBER_CACHE)")
	fs.IntVar(&cfg.RecognitionCache, "recognition-cache", crm.DefaultRecognitionCacheSize, "recently recognised numbers the register remembers; -1: none, every recognition reads the database (CALLCARD_RECOGNITION_CACHE)")
	fs.StringVar(&cfg.Sync, "sync", "full", "commit flush policy of the register: full or normal (CALLCARD_SYNC)")
	fs.StringVar(&cfg.jsonPath, "json", "", "write every figure as JSON to this file (CALLCARD_JSON)")
	fs.StringVar(&cfg.dir, "dir", "", "directory for the database, kept afterwards; default a temporary directory, removed (CALLCARD_DIR)")
	fs.StringVar(&cfg.profile, "profile", "", "write a CPU profile and an execution trace (its first 2 s) of each phase into this directory (CALLCARD_PROFILE)")
	fs.BoolVar(&cfg.BareWebhooks, "bare-webhooks", true, "run the same webhook load against a bare echo that hands each call straight to the streams (CALLCARD_BARE_WEBHOOKS)")
	fs.DurationVar(&cfg.jitter, "jitter", 10*time.Second, "how long to time 1 ms sleeps on the idle machine before the run; 0: not (CALLCARD_JITTER)")
	fs.BoolVar(&cfg.strict, "strict", false, "exit non-zero when a target is missed (CALLCARD_STRICT)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: callcard bench [flags]\n\nBuilds a synthetic register, serves it on a loopback port and measures webhooks to live\nevents, look-ups (beside a bare echo handler), caller cards, import and memory.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	for _, c := range []struct {
		name    string
		v, a, b int
	}{
		{"--contacts", cfg.Contacts, 1, 50_000_000}, {"--rate", cfg.Rate, 1, 100_000},
		{"--subscribers", cfg.Subscribers, 1, 1000}, {"--workers", cfg.Workers, 1, 4096},
		{"--lookup-clients", cfg.LookupClients, 1, 1024}, {"--cards", cfg.Cards, 1, 10_000_000},
	} {
		if c.v < c.a || c.v > c.b {
			return usageError(fmt.Sprintf("%s must be between %d and %d", c.name, c.a, c.b))
		}
	}
	if cfg.duration <= 0 || cfg.duration > time.Hour || cfg.lookupDuration <= 0 || cfg.lookupDuration > time.Hour {
		return usageError("--duration and --lookup-duration must be between 0 and 1h")
	}
	if cfg.jitter < 0 || cfg.jitter > time.Hour {
		return usageError("--jitter must be between 0 and 1h")
	}
	if float64(cfg.Rate)*cfg.duration.Seconds() < 1 {
		return usageError("--rate × --duration must be at least one call")
	}
	cfg.DurationS, cfg.LookupDurationS, cfg.JitterS = cfg.duration.Seconds(), cfg.lookupDuration.Seconds(), cfg.jitter.Seconds()

	res, err := runBench(ctx, env, cfg)
	if err != nil {
		return err
	}
	printBench(env.Stdout, res)
	if cfg.jsonPath != "" {
		if err := writeJSONFile(cfg.jsonPath, res); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\nFigures written to %s\n", cfg.jsonPath)
	}
	if cfg.strict && !res.Pass {
		missed := 0
		for _, t := range res.Targets {
			if !t.Pass {
				missed++
			}
		}
		return fmt.Errorf("%d of %d targets missed", missed, len(res.Targets))
	}
	return nil
}

// benchLog prints progress to stderr so that stdout holds only the report.
type benchLog struct {
	w     io.Writer
	start time.Time
}

func (l benchLog) printf(format string, args ...any) {
	fmt.Fprintf(l.w, "bench %6.1fs  %s\n", time.Since(l.start).Seconds(), fmt.Sprintf(format, args...))
}

func runBench(ctx context.Context, env Env, cfg benchConfig) (*benchResults, error) {
	res := &benchResults{Started: time.Now().UTC(), Config: cfg, Machine: machineInfo()}
	log := benchLog{w: env.Stderr, start: time.Now()}
	prof := phaseProfiler{dir: cfg.profile}
	if prof.dir != "" {
		if err := os.MkdirAll(prof.dir, 0o755); err != nil {
			return nil, err
		}
	}

	dir, cleanup, err := benchDir(cfg.dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	dbPath := filepath.Join(dir, "callcard-bench.db")
	if cfg.jitter > 0 {
		log.printf("the machine: timing 1 ms sleeps for %s while idle", cfg.jitter)
		clock := startClock()
		j := measureTimerJitter(ctx, cfg.jitter)
		res.endPhase("idle check", clock)
		res.Machine.TimerOversleep = &j
	}
	log.printf("register of %d contacts in %s (load average %.2f; %d CPUs)", cfg.Contacts, dbPath, res.Machine.LoadAvgStart[0], res.Machine.CPUs)

	// 1. The register, through the real importers.
	normaliser, err := phone.New(phone.Config{DefaultRegion: "NL", CacheSize: cfg.NumberCache})
	if err != nil {
		return nil, err
	}
	store, err := crm.Open(ctx, crm.Config{Path: dbPath, Phone: normaliser, Synchronous: cfg.Sync, RecognitionCache: cfg.RecognitionCache})
	if err != nil {
		return nil, err
	}
	defer func() { store.Close() }() // the store is reopened below
	g := crm.NewSynthetic(cfg.Contacts, cfg.Seed)
	stop := prof.start("import")
	clock := startClock()
	res.Import, err = buildRegister(ctx, log, store, g, dir)
	res.Import.CPUCores = res.endPhase("import", clock)
	stop()
	if err != nil {
		return nil, err
	}
	log.printf("imported %d rows in %.1fs: %.0f rows/s", res.Import.Rows, res.Import.DurationS, res.Import.RowsPerS)
	res.Memory.AfterBuild = readMemory()
	// Start serving as `serve` would on the file just built: a fresh store,
	// and none of the import's garbage held, neither Go's nor the C heap's
	// (SQLite's memory of the closed connections, which glibc keeps).
	if err := store.Close(); err != nil {
		return nil, err
	}
	metrics := api.NewMetrics()
	trace := newEventTrace()
	observe := func(ct crm.CallEventTimes) {
		metrics.ObserveCallEvent(ct)
		trace.observe(ct)
	}
	if store, err = crm.Open(ctx, crm.Config{Path: dbPath, Phone: normaliser, Synchronous: cfg.Sync, RecognitionCache: cfg.RecognitionCache,
		ObserveCallEvent: observe}); err != nil {
		return nil, err
	}
	debug.FreeOSMemory()
	res.Memory.CHeapTrimmed = trimCHeap()
	res.Memory.PeakReset = resetPeakRSS()
	res.Memory.Ready = readMemory()
	mix, err := newCallMix(g, cfg.Seed)
	if err != nil {
		return nil, err
	}
	_, token, err := store.CreateToken(ctx, "bench")
	if err != nil {
		return nil, err
	}

	// 2. The server as serve wires it, and a bare echo beside it.
	res.Goroutines.Before = runtime.NumGoroutine()
	srv, err := startBenchServer(store, metrics)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	bare, err := startBareServer()
	if err != nil {
		return nil, err
	}
	defer bare.close()
	transport := &http.Transport{
		Proxy:               nil, // loopback only, whatever the environment says
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4096,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: benchClientTimeout}
	streamClient := &http.Client{Transport: transport} // event streams stay open for the whole run

	stop = prof.start("webhooks")
	clock = startClock()
	flushes := store.DiskFlushes()
	res.Webhooks, err = runWebhooks(ctx, log, "webhooks", cfg, client, streamClient, srv.base, token, mix, trace, &res.Goroutines)
	flushes = store.DiskFlushes() - flushes
	res.Webhooks.CPUCores = res.endPhase("webhooks", clock)
	stop()
	if err != nil {
		return nil, err
	}
	if res.Webhooks.Stages, err = readStages(metrics); err != nil {
		return nil, err
	}
	res.Webhooks.Stages.DiskFlushes = flushes
	if flushes > 0 {
		res.Webhooks.Stages.EventsPerFlush = float64(res.Webhooks.Stages.Flush.Count) / float64(flushes)
	}
	if cfg.BareWebhooks {
		stop = prof.start("bare-webhooks")
		clock = startClock()
		bw, err := runWebhooks(ctx, log, "bare echo webhooks", cfg, client, streamClient, bare.base, token, mix, newEventTrace(), &benchGoroutines{})
		bw.CPUCores = res.endPhase("bare echo webhooks", clock)
		stop()
		if err != nil {
			return nil, err
		}
		res.BareWebhooks = &bw.benchWebhookLoad
	}

	// 3 and 4. Look-ups against callcard, then the same against bare echo.
	queries := mix.lookupQueries(8192)
	warm := min(cfg.lookupDuration/5, time.Second)
	log.printf("look-ups: %d clients for %s against callcard", cfg.LookupClients, cfg.lookupDuration)
	stop = prof.start("lookup")
	clock = startClock()
	res.Lookup.Callcard, err = runLookups(ctx, client, srv.base+"/api/v1/lookup", token, queries, cfg.LookupClients, warm, cfg.lookupDuration)
	res.Lookup.CallcardCPUCores = res.endPhase("look-ups", clock)
	stop()
	if err != nil {
		return nil, err
	}
	log.printf("look-ups: the same against a bare echo handler")
	stop = prof.start("bare")
	clock = startClock()
	res.Lookup.Bare, err = runLookups(ctx, client, bare.base+"/bare", token, queries, cfg.LookupClients, warm, cfg.lookupDuration)
	res.Lookup.BareCPUCores = res.endPhase("bare echo look-ups", clock)
	stop()
	if err != nil {
		return nil, err
	}
	if res.Lookup.Bare.RPS > 0 {
		res.Lookup.Ratio = res.Lookup.Callcard.RPS / res.Lookup.Bare.RPS
	}
	// The latency one telephone system sees: one look-up at a time, as a
	// PBX asks for the name of each call that rings. The saturating load
	// above measures throughput; its latencies are mostly queueing.
	log.printf("look-ups: one client for %s, for latency", cfg.lookupDuration/2)
	clock = startClock()
	res.Lookup.Single, err = runLookups(ctx, client, srv.base+"/api/v1/lookup", token, queries, 1, warm, cfg.lookupDuration/2)
	res.Lookup.SingleCPUCores = res.endPhase("one-client look-ups", clock)
	if err != nil {
		return nil, err
	}

	// 5. Cards straight from the store.
	log.printf("cards: up to %d, straight from the store", cfg.Cards)
	stop = prof.start("card")
	clock = startClock()
	res.Card, err = runCards(ctx, store, res.Webhooks.Scheduled, cfg.Cards)
	res.Card.CPUCores = res.endPhase("cards", clock)
	stop()
	if err != nil {
		return nil, err
	}

	// 6. Memory, database, goroutines.
	res.Memory.AfterLoad = readMemory()
	res.Database = databaseSize(dbPath)
	transport.CloseIdleConnections()
	srv.close()
	bare.close()
	res.Goroutines.After = settleGoroutines(res.Goroutines.Before)

	res.Machine.LoadAvgEnd = loadAverage()
	res.TookS = time.Since(log.start).Seconds()
	res.judge()
	if cfg.dir != "" {
		log.printf("the database stays at %s", dbPath)
	}
	return res, nil
}

// benchDir is where the run's files go: --dir (kept), or a temporary
// directory removed at the end.
func benchDir(dir string) (string, func(), error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "callcard-bench-")
		if err != nil {
			return "", nil, err
		}
		return tmp, func() { os.RemoveAll(tmp) }, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(filepath.Join(dir, "callcard-bench.db"+suffix)); err == nil {
			return "", nil, usageError(fmt.Sprintf("--dir %s already holds callcard-bench.db%s; the benchmark needs a fresh register", dir, suffix))
		}
	}
	return dir, func() {}, nil
}

// buildRegister writes the synthetic register as CSV files, as a firm
// would export them, and imports them with the importers `callcard import`
// uses. Only the contacts import is timed.
func buildRegister(ctx context.Context, log benchLog, store *crm.Store, g *crm.Synthetic, dir string) (benchImport, error) {
	out := benchImport{Contacts: g.Contacts, Organisations: g.Organisations()}
	started := time.Now()
	files := map[string]func(io.Writer) error{"services": g.WriteServices, "employees": g.WriteEmployees, "contacts": g.WriteContacts}
	for _, what := range []string{"services", "employees", "contacts"} {
		size, err := writeFile(filepath.Join(dir, what+".csv"), files[what])
		if err != nil {
			return out, err
		}
		if what == "contacts" {
			out.CSVBytes = size
		}
	}
	out.GenerateS = time.Since(started).Seconds()
	log.printf("wrote the synthetic CSV files (%d organisations, %.0f MB) in %.1fs", out.Organisations, float64(out.CSVBytes)/1e6, out.GenerateS)
	out.PeakReset = resetPeakRSS()
	importers := importers(store)
	for _, what := range []string{"services", "employees", "contacts"} {
		path := filepath.Join(dir, what+".csv")
		f, err := os.Open(path)
		if err != nil {
			return out, err
		}
		var opt crm.ImportOptions
		if what == "contacts" {
			lastLog := time.Now()
			opt.Progress = func(p crm.ImportProgress) {
				if time.Since(lastLog) >= 5*time.Second {
					lastLog = time.Now()
					log.printf("  importing: %d rows (%.0f%%)", p.Rows, 100*float64(p.Bytes)/float64(max(out.CSVBytes, 1)))
				}
			}
		}
		t0 := time.Now()
		rep, err := importers[what](ctx, f, opt)
		took := time.Since(t0)
		f.Close()
		os.Remove(path)
		if err != nil {
			return out, fmt.Errorf("importing synthetic %s: %w", what, err)
		}
		if rep.Failed > 0 {
			return out, fmt.Errorf("importing synthetic %s: %d bad rows, first: %w", what, rep.Failed, &rep.Errors[0])
		}
		if what == "contacts" {
			out.Rows, out.Imported, out.Failed = rep.Rows, rep.Imported, rep.Failed
			out.DurationS = took.Seconds()
			out.RowsPerS = float64(rep.Rows) / took.Seconds()
		}
	}
	return out, nil
}

func writeFile(path string, write func(io.Writer) error) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := write(bw); err != nil {
		f.Close()
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	// On disk before the import is timed, so that the import does not
	// share the disk with the kernel writing this file back.
	if err := f.Sync(); err != nil {
		f.Close()
		return 0, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, err
	}
	return info.Size(), f.Close()
}

// ---- the servers ----

// benchServer is an HTTP server on a loopback port.
type benchServer struct {
	base string
	srv  *http.Server
	once sync.Once
}

// startBenchServer serves the register exactly as cmdServe wires it: the
// console and the API on one echo, request logging included (to nowhere),
// the hub closed on shutdown, the same timeouts.
func startBenchServer(store *crm.Store, metrics *api.Metrics) (*benchServer, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	hub := api.NewHub(func(n int) { metrics.LiveSubscribers.Set(float64(n)) })
	e := api.NewEcho(log)
	console, err := ui.New(e, ui.Config{Store: store, Logger: log, Publish: hub.Publish, StatusOf: api.StatusOf})
	if err != nil {
		ln.Close()
		return nil, err
	}
	api.New(e, api.Config{
		Register: store, Hub: hub, Metrics: metrics, Logger: log, PublicURL: base,
		Sessions: func(c echo.Context) (api.Principal, bool) {
			u, ok := console.UserOf(c)
			return api.Principal{Kind: "user", Name: u.Username, Role: u.Role}, ok
		},
	})
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	srv.RegisterOnShutdown(hub.Close)
	go srv.Serve(ln)
	return &benchServer{base: base, srv: srv}, nil
}

func (s *benchServer) close() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.srv.Close()
		}
	})
}

// ---- webhooks to live events ----

func runWebhooks(ctx context.Context, log benchLog, name string, cfg benchConfig, client, streamClient *http.Client, base, token string,
	mix *callMix, trace *eventTrace, goroutines *benchGoroutines) (benchWebhooks, error) {
	out := benchWebhooks{benchWebhookLoad: benchWebhookLoad{Rate: cfg.Rate, DurationS: cfg.DurationS, Subscribers: cfg.Subscribers, Workers: cfg.Workers}}
	wl := newWebhookLoad(client, base, token, mix, cfg.Rate, cfg.duration, cfg.Workers)

	// Open the connections the workers will use, so the run measures
	// requests, not TCP handshakes.
	var warm sync.WaitGroup
	for range min(cfg.Workers, 256) {
		warm.Go(func() {
			if resp, err := client.Get(base + "/healthz"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	warm.Wait()

	subCtx, stopSubs := context.WithCancel(ctx)
	defer stopSubs()
	subs := make([]*sseSubscriber, cfg.Subscribers)
	ready := make(chan struct{}, cfg.Subscribers)
	var subsDone sync.WaitGroup
	for i := range subs {
		s := &sseSubscriber{got: make([]atomic.Uint32, wl.total()), hist: &latencyHist{}}
		subs[i] = s
		subsDone.Go(func() {
			s.run(subCtx, streamClient, base+"/api/v1/events", token, wl, func() { ready <- struct{}{} })
		})
	}
	connectBy := time.After(benchConnectTimeout)
	for range subs {
		select {
		case <-ready:
		case <-connectBy:
			stopSubs()
			subsDone.Wait()
			return out, errors.New("the live-event subscribers did not connect within 10 s")
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	goroutines.During = runtime.NumGoroutine()
	log.printf("%s: %d calls/s for %s, %d screens listening", name, cfg.Rate, cfg.duration, cfg.Subscribers)

	started := time.Now()
	workers := wl.run(ctx)
	sendTook := time.Since(started)

	// Wait for the last events, at most the grace period.
	var ok []int
	for seq := range wl.total() {
		if wl.status[seq].Load()/100 == 2 {
			ok = append(ok, seq)
		}
	}
	graceEnd := time.Now().Add(deliveryGrace)
	for time.Now().Before(graceEnd) && !allDelivered(subs, ok) {
		time.Sleep(10 * time.Millisecond)
	}
	stopSubs()
	subsDone.Wait()

	var resp, lat latencyHist
	out.Recognised = map[string]map[string]int64{}
	for _, w := range workers {
		resp.merge(&w.resp)
		out.Errors += w.errors
		out.NotSent += w.skipped
		out.MaxLagMs = max(out.MaxLagMs, ms(w.maxLag))
		if out.FirstError == "" {
			out.FirstError = w.firstErr
		}
		for k := range numKinds {
			for m, n := range w.outcome[k] {
				if out.Recognised[kindNames[k]] == nil {
					out.Recognised[kindNames[k]] = map[string]int64{}
				}
				out.Recognised[kindNames[k]][m] += n
				if m != string(kindMatch[k]) {
					out.Mismatched += n
				}
			}
		}
	}
	out.Scheduled = int64(wl.total())
	out.Sent = out.Scheduled - out.NotSent
	out.OK = int64(len(ok))
	out.AchievedRate = float64(out.Sent) / cfg.duration.Seconds()
	out.SendS = sendTook.Seconds()
	out.Response = resp.summary()
	out.Expected = out.OK * int64(len(subs))
	for _, s := range subs {
		lat.merge(s.hist)
		out.Duplicates += s.duplicates
		out.Reconnects += s.reconnects
		for _, seq := range ok {
			if s.got[seq].Load() == 0 {
				out.Lost++
			} else {
				out.Delivered++
			}
		}
		if s.err != nil && out.FirstError == "" {
			out.FirstError = "events: " + s.err.Error()
		}
	}
	out.Latency = lat.summary()
	times := trace.take()
	traced := make([]tracedEvent, 0, len(ok))
	for _, seq := range ok {
		ct, stored := times[seq]
		if seen := wl.lastSeen[seq].Load(); stored && seen > 0 {
			traced = append(traced, tracedEvent{sent: time.Duration(wl.sentAt[seq].Load()), arrived: ct.Arrived.Sub(wl.epoch),
				lastSeen: time.Duration(seen), server: ct})
		}
	}
	out.Anatomy = anatomyOf(traced)
	log.printf("%s: %d sent, %d ok, %d errors; webhook→SSE p99 %.2f ms; %d events lost", name,
		out.Sent, out.OK, out.Errors, out.Latency.P99Ms, out.Lost)
	return out, nil
}

// allDelivered says whether every subscriber has every acknowledged event.
func allDelivered(subs []*sseSubscriber, ok []int) bool {
	for _, s := range subs {
		if s.delivered.Load() < int64(len(ok)) {
			return false
		}
	}
	for _, s := range subs {
		for _, seq := range ok {
			if s.got[seq].Load() == 0 {
				return false
			}
		}
	}
	return true
}

// ---- cards ----

// runCards assembles the caller card of recorded calls one after another,
// straight against the store, as the card endpoint and the console do. The
// call is read first and not timed: the figure is CardForCall alone,
// recognition and hints included.
func runCards(ctx context.Context, store *crm.Store, scheduled int64, n int) (benchCard, error) {
	var out benchCard
	total := int(scheduled)
	if total == 0 {
		return out, nil
	}
	var h latencyHist
	deadline := time.Now().Add(cardTimeBudget)
	stride := max(1, total/n)
	var id []byte
	for seq := 0; seq < total && out.Cards < n && time.Now().Before(deadline); seq += stride {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		id = appendCallID(id[:0], seq)
		call, err := store.CallByRef(ctx, string(id))
		if crm.ErrorCode(err) == crm.CodeNotFound {
			continue // not sent, or refused
		}
		if err != nil {
			return out, err
		}
		t0 := time.Now()
		card, err := store.CardForCall(ctx, call)
		took := time.Since(t0)
		if err != nil {
			return out, fmt.Errorf("card of call %s: %w", id, err)
		}
		h.record(took)
		out.Cards++
		if card.Recognition.CommonOrganisation() != nil {
			out.WithOrganisation++
		}
		if len(card.Hints) > 0 {
			out.WithHints++
		}
	}
	out.Latency = h.summary()
	return out, nil
}
