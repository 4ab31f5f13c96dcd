package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

// The figures of `callcard bench`: what a run measured, the targets they
// are held to, and the report.

// benchConfig is a run's settings, from the flags.
type benchConfig struct {
	Contacts        int     `json:"contacts"`
	Rate            int     `json:"rate"`
	DurationS       float64 `json:"duration_s"`
	Subscribers     int     `json:"subscribers"`
	Workers         int     `json:"workers"`
	LookupClients   int     `json:"lookup_clients"`
	LookupDurationS float64 `json:"lookup_duration_s"`
	Cards           int     `json:"cards"`
	Seed            int64   `json:"seed"`
	Sync            string  `json:"sync"`
	NumberCache     int     `json:"number_cache"`
	// RecognitionCache is crm.Config.RecognitionCache: -1 is off.
	RecognitionCache int `json:"recognition_cache"`
	// BareWebhooks runs the webhook load against the bare echo too.
	BareWebhooks bool `json:"bare_webhooks"`
	// JitterS is how long 1 ms sleeps are timed before the run; 0: not.
	JitterS float64 `json:"jitter_s"`

	duration, lookupDuration, jitter time.Duration
	dir, jsonPath, profile           string
	strict                           bool
}

type benchMachine struct {
	CPUs         int        `json:"cpus"`
	GOMAXPROCS   int        `json:"gomaxprocs"`
	CPUModel     string     `json:"cpu_model"`
	GoVersion    string     `json:"go_version"`
	OS           string     `json:"os"`
	Arch         string     `json:"arch"`
	Kernel       string     `json:"kernel,omitempty"`
	LoadAvgStart [3]float64 `json:"load_average_start"`
	LoadAvgEnd   [3]float64 `json:"load_average_end"`
	// TimerOversleep is by how much 1 ms sleeps overran while the machine
	// was otherwise idle, before the run (measureTimerJitter).
	TimerOversleep *latencySummary `json:"timer_oversleep,omitempty"`
	// Neighbours is the CPU other work and the hypervisor took during each
	// phase (Linux only), and Busy whether any took enough to lengthen the
	// tails (busyOtherCores, busyStealCores).
	Neighbours []benchNeighbours `json:"neighbours,omitempty"`
	Busy       bool              `json:"busy"`
}

type benchImport struct {
	Contacts      int     `json:"contacts"`
	Organisations int     `json:"organisations"`
	Rows          int     `json:"rows"`
	Imported      int     `json:"imported"`
	Failed        int     `json:"failed"`
	CSVBytes      int64   `json:"csv_bytes"`
	GenerateS     float64 `json:"generate_s"`
	DurationS     float64 `json:"duration_s"`
	RowsPerS      float64 `json:"rows_per_s"`
	CPUCores      float64 `json:"cpu_cores"` // CPU time the process got over wall time
	// PeakReset: the process's peak resident memory was reset once the CSV
	// files were written, so Memory.AfterBuild's peak is the imports'.
	// False where /proc/self/clear_refs refused: it is then the process's.
	PeakReset bool `json:"peak_reset"`
}

// benchWebhookLoad is how one webhook load went: sent, answered and
// delivered to the screens. The bare echo's run has only this.
type benchWebhookLoad struct {
	Rate         int     `json:"rate"`
	DurationS    float64 `json:"duration_s"`
	Subscribers  int     `json:"subscribers"`
	Workers      int     `json:"workers"`
	Scheduled    int64   `json:"scheduled"`
	Sent         int64   `json:"sent"`
	OK           int64   `json:"ok"`
	Errors       int64   `json:"errors"`
	NotSent      int64   `json:"not_sent"`
	AchievedRate float64 `json:"achieved_rate"` // sent / duration
	SendS        float64 `json:"send_s"`        // from the first send to the last answer
	CPUCores     float64 `json:"cpu_cores"`
	MaxLagMs     float64 `json:"max_schedule_lag_ms"`
	// Deliveries are events times subscribers.
	Expected   int64          `json:"deliveries_expected"`
	Delivered  int64          `json:"deliveries"`
	Lost       int64          `json:"events_lost"`
	Duplicates int64          `json:"duplicates"`
	Reconnects int64          `json:"reconnects"`
	Latency    latencySummary `json:"webhook_to_sse"`
	Response   latencySummary `json:"webhook_response"`
	FirstError string         `json:"first_error,omitempty"`
}

// benchWebhooks is callcard's webhook load, with what only callcard does:
// recognising the callers and storing each event.
type benchWebhooks struct {
	benchWebhookLoad
	// Recognised is, per kind of caller sent, how the server recognised
	// them; Mismatched counts answers other than the kind's own outcome.
	Recognised map[string]map[string]int64 `json:"recognised"`
	Mismatched int64                       `json:"mismatched"`
	// Stages is where the server's time went, from its own metrics.
	Stages benchStages `json:"stages"`
	// Anatomy takes each event's latency apart, stage by stage.
	Anatomy benchAnatomy `json:"anatomy"`
}

type benchLookups struct {
	// CPU time the process got over wall time, warm-up included.
	CallcardCPUCores float64   `json:"callcard_cpu_cores"`
	BareCPUCores     float64   `json:"bare_cpu_cores"`
	Callcard         lookupRun `json:"callcard"`
	Bare             lookupRun `json:"bare"`
	Ratio            float64   `json:"ratio"`
	// Single is callcard with one client asking at a time.
	Single         lookupRun `json:"single"`
	SingleCPUCores float64   `json:"single_cpu_cores"`
}

type benchCard struct {
	Cards            int            `json:"cards"`
	WithOrganisation int            `json:"with_organisation"`
	WithHints        int            `json:"with_hints"`
	CPUCores         float64        `json:"cpu_cores"`
	Latency          latencySummary `json:"latency"`
}

// memSnapshot is the process's memory at one moment. GoHeldMB is what the
// Go runtime holds from the OS and has not given back; the rest of the
// anonymous resident set (OtherMB, an estimate) is the C heap: SQLite's
// page caches. File-backed pages are mostly the binary itself.
type memSnapshot struct {
	RSSMB       float64 `json:"vm_rss_mb"`
	AnonMB      float64 `json:"rss_anon_mb"`
	FileMB      float64 `json:"rss_file_mb"`
	HWMMB       float64 `json:"vm_hwm_mb"` // peak since the last reset
	HeapInuseMB float64 `json:"go_heap_inuse_mb"`
	GoHeldMB    float64 `json:"go_held_mb"`
	OtherMB     float64 `json:"other_mb"`
}

// benchMemory: AfterBuild is right after the import, its peak that of the
// imports (benchImport.PeakReset); Ready is after the
// register is closed and reopened and the import's garbage (Go's and the C
// heap's) returned to the OS, as `serve` starts on an existing file; the
// peak is reset there, so AfterLoad's peak is that of serving.
type benchMemory struct {
	AfterBuild   memSnapshot `json:"after_build"`
	Ready        memSnapshot `json:"ready"`
	AfterLoad    memSnapshot `json:"after_load"`
	PeakReset    bool        `json:"peak_reset"`     // false where /proc/self/clear_refs refused
	CHeapTrimmed bool        `json:"c_heap_trimmed"` // malloc_trim ran when ready
}

type benchDatabase struct {
	DBBytes    int64 `json:"db_bytes"`
	WALBytes   int64 `json:"wal_bytes"`
	TotalBytes int64 `json:"total_bytes"`
}

type benchGoroutines struct {
	Before int `json:"before"`
	During int `json:"during"`
	After  int `json:"after"`
}

type benchTarget struct {
	Name     string  `json:"name"`
	Measured string  `json:"measured"`
	Target   string  `json:"target"`
	Value    float64 `json:"value"`
	Limit    float64 `json:"limit"`
	Pass     bool    `json:"pass"`
}

// benchResults is everything a run measured; --json writes it.
type benchResults struct {
	Started  time.Time     `json:"started"`
	TookS    float64       `json:"took_s"`
	Machine  benchMachine  `json:"machine"`
	Config   benchConfig   `json:"config"`
	Import   benchImport   `json:"import"`
	Webhooks benchWebhooks `json:"webhooks"`
	// BareWebhooks is the same webhook load against the bare echo, which
	// hands each call straight to the streams: the floor of the path.
	BareWebhooks *benchWebhookLoad `json:"bare_webhooks,omitempty"`
	Lookup       benchLookups      `json:"lookup"`
	Card         benchCard         `json:"card"`
	Memory       benchMemory       `json:"memory"`
	Database     benchDatabase     `json:"database"`
	Goroutines   benchGoroutines   `json:"goroutines"`
	Targets      []benchTarget     `json:"targets"`
	Pass         bool              `json:"pass"`
}

// ---- memory, database, machine ----

func readMemory() memSnapshot {
	var m memSnapshot
	if f, err := os.Open("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			switch k {
			case "VmRSS":
				m.RSSMB = kb / 1024
			case "VmHWM":
				m.HWMMB = kb / 1024
			case "RssAnon":
				m.AnonMB = kb / 1024
			case "RssFile":
				m.FileMB = kb / 1024
			}
		}
		f.Close()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.HeapInuseMB = float64(ms.HeapInuse) / (1 << 20)
	m.GoHeldMB = float64(ms.Sys-ms.HeapReleased) / (1 << 20)
	m.OtherMB = max(m.AnonMB-m.GoHeldMB, 0)
	return m
}

// phaseClock measures how much CPU the process got during a phase: on a
// machine shared with other work, a figure means little without it.
type phaseClock struct {
	wall time.Time
	cpu  time.Duration
	// sys is the whole machine's CPU time, if it says (sysOK).
	sys   systemCPU
	sysOK bool
}

func startClock() phaseClock {
	sys, ok := readSystemCPU()
	return phaseClock{wall: time.Now(), cpu: processCPU(), sys: sys, sysOK: ok}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS starts VmHWM afresh (Linux 4.0 and later).
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

func databaseSize(path string) benchDatabase {
	var d benchDatabase
	if info, err := os.Stat(path); err == nil {
		d.DBBytes = info.Size()
	}
	if info, err := os.Stat(path + "-wal"); err == nil {
		d.WALBytes = info.Size()
	}
	d.TotalBytes = d.DBBytes + d.WALBytes
	return d
}

// settleGoroutines waits up to two seconds for finished connections'
// goroutines to end and returns the count.
func settleGoroutines(before int) int {
	deadline := time.Now().Add(2 * time.Second)
	n := runtime.NumGoroutine()
	for n > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func machineInfo() benchMachine {
	m := benchMachine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
		OS: runtime.GOOS, Arch: runtime.GOARCH, LoadAvgStart: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

func loadAverage() [3]float64 {
	var l [3]float64
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return l
	}
	for i, f := range strings.Fields(string(b)) {
		if i == 3 {
			break
		}
		l[i], _ = strconv.ParseFloat(f, 64)
	}
	return l
}

// phaseProfiler writes one CPU profile per phase when --profile is given,
// and an execution trace of the first seconds of each phase: a trace shows
// what a profile cannot, such as where a slow request waited.
type phaseProfiler struct{ dir string }

// traceFor is how much of a phase is traced; a second of webhooks at
// 1,000 calls/s makes a trace of about 10 MB.
const traceFor = 2 * time.Second

func (p phaseProfiler) start(phase string) func() {
	if p.dir == "" {
		return func() {}
	}
	stopProfile := record(filepath.Join(p.dir, phase+".pprof"), pprof.StartCPUProfile, pprof.StopCPUProfile)
	if stopProfile == nil {
		return func() {}
	}
	stopTrace := record(filepath.Join(p.dir, phase+".trace"), trace.Start, trace.Stop)
	if stopTrace == nil {
		return stopProfile
	}
	t := time.AfterFunc(traceFor, stopTrace)
	return func() {
		t.Stop()
		stopTrace()
		stopProfile()
	}
}

// record creates path and starts writing to it; the returned function stops
// and closes it, once however often it is called. nil: nothing started.
func record(path string, start func(io.Writer) error, stop func()) func() {
	f, err := os.Create(path)
	if err != nil {
		return nil
	}
	if err := start(f); err != nil {
		f.Close()
		return nil
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			stop()
			f.Close()
		})
	}
}

// ---- judging and reporting ----

func (r *benchResults) judge() {
	wh, lk, c := r.Webhooks, r.Lookup, r.Card
	rss, importPeak := r.Memory.AfterLoad.RSSMB, r.Memory.AfterBuild.HWMMB
	r.Targets = []benchTarget{
		{Name: "import", Measured: fmt.Sprintf("%s rows/s", thousands(int64(r.Import.RowsPerS))),
			Target: fmt.Sprintf("≥ %s rows/s", thousands(targetImportRate)), Value: r.Import.RowsPerS, Limit: targetImportRate,
			Pass: r.Import.RowsPerS >= targetImportRate},
		{Name: fmt.Sprintf("webhook → SSE p99 (%s calls/s, %d screens)", thousands(int64(wh.AchievedRate+0.5)), wh.Subscribers),
			Measured: fmt.Sprintf("%.2f ms", wh.Latency.P99Ms), Target: fmt.Sprintf("≤ %d ms", targetSSEP99.Milliseconds()),
			Value: wh.Latency.P99Ms, Limit: ms(targetSSEP99), Pass: wh.Latency.Count > 0 && wh.Latency.P99Ms <= ms(targetSSEP99)},
		{Name: "events lost", Measured: fmt.Sprintf("%s of %s", thousands(wh.Lost), thousands(wh.Expected)), Target: "0",
			Value: float64(wh.Lost), Limit: 0, Pass: wh.Lost == 0 && wh.Expected > 0},
		{Name: "webhooks refused or failed", Measured: fmt.Sprintf("%s of %s", thousands(wh.Errors), thousands(wh.Sent)), Target: "0",
			Value: float64(wh.Errors), Limit: 0, Pass: wh.Errors == 0 && wh.Sent > 0},
		{Name: "look-up throughput / bare echo", Measured: fmt.Sprintf("%.0f%% (%s / %s req/s)", 100*lk.Ratio,
			thousands(int64(lk.Callcard.RPS)), thousands(int64(lk.Bare.RPS))),
			Target: fmt.Sprintf("≥ %.0f%%", 100*targetLookupRatio), Value: lk.Ratio, Limit: targetLookupRatio,
			Pass: lk.Ratio >= targetLookupRatio && lk.Callcard.Errors == 0},
		{Name: "look-up p99, one client", Measured: fmt.Sprintf("%.2f ms", lk.Single.Latency.P99Ms),
			Target: fmt.Sprintf("< %d ms", targetLookupP99.Milliseconds()), Value: lk.Single.Latency.P99Ms, Limit: ms(targetLookupP99),
			Pass: lk.Single.Requests > 0 && lk.Single.Errors == 0 && lk.Single.Latency.P99Ms < ms(targetLookupP99)},
		{Name: "card p99", Measured: fmt.Sprintf("%.2f ms", c.Latency.P99Ms), Target: fmt.Sprintf("< %d ms", targetCardP99.Milliseconds()),
			Value: c.Latency.P99Ms, Limit: ms(targetCardP99), Pass: c.Cards > 0 && c.Latency.P99Ms < ms(targetCardP99)},
		{Name: fmt.Sprintf("resident memory, peak of the import (%s contacts)", thousands(int64(r.Config.Contacts))),
			Measured: fmt.Sprintf("%.0f MB", importPeak), Target: fmt.Sprintf("≤ %d MB", targetRSSMB),
			Value: importPeak, Limit: targetRSSMB, Pass: importPeak > 0 && importPeak <= targetRSSMB},
		{Name: fmt.Sprintf("resident memory after load (%s contacts)", thousands(int64(r.Config.Contacts))),
			Measured: fmt.Sprintf("%.0f MB", rss), Target: fmt.Sprintf("≤ %d MB", targetRSSMB),
			Value: rss, Limit: targetRSSMB, Pass: rss > 0 && rss <= targetRSSMB},
	}
	r.Pass = true
	for _, t := range r.Targets {
		r.Pass = r.Pass && t.Pass
	}
}

func printBench(w io.Writer, r *benchResults) {
	m := r.Machine
	cache := "number cache off"
	if r.Config.NumberCache >= 0 {
		cache = fmt.Sprintf("number cache %s", thousands(int64(r.Config.NumberCache)))
	}
	if r.Config.RecognitionCache >= 0 {
		cache += fmt.Sprintf(", recognition cache %s", thousands(int64(r.Config.RecognitionCache)))
	} else {
		cache += ", recognition cache off"
	}
	fmt.Fprintf(w, "callcard bench: %s contacts; sync %s, %s; %d CPUs (%s), %s; load average %.2f at start, %.2f at end; %.0f s\n\n",
		thousands(int64(r.Config.Contacts)), r.Config.Sync, cache, m.CPUs, m.CPUModel, m.GoVersion, m.LoadAvgStart[0], m.LoadAvgEnd[0], r.TookS)
	if j := m.TimerOversleep; j != nil {
		fmt.Fprintf(w, "the machine, idle: 1 ms sleeps overran by p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (n=%s)\n\n",
			j.P50Ms, j.P99Ms, j.P999Ms, j.MaxMs, thousands(j.Count))
	}
	if lines := neighboursLines(m); len(lines) > 0 {
		fmt.Fprintln(w, strings.Join(lines, "\n")+"\n")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tMEASURED\tTARGET\t")
	for _, t := range r.Targets {
		verdict := "PASS"
		if !t.Pass {
			verdict = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Name, t.Measured, t.Target, verdict)
	}
	tw.Flush()

	im, wh, lk, c := r.Import, r.Webhooks, r.Lookup, r.Card
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "import\t%s rows (%s organisations) in %.1f s (CPU %.2f cores); CSV %.0f MB written in %.1f s beforehand\n",
		thousands(int64(im.Rows)), thousands(int64(im.Organisations)), im.DurationS, im.CPUCores, float64(im.CSVBytes)/1e6, im.GenerateS)
	fmt.Fprintf(tw, "webhooks\t%s scheduled, %s sent, %s answered 2xx, %s errors, %s not sent; %.0f calls/s; schedule lag ≤ %.1f ms; CPU %.2f cores\n",
		thousands(wh.Scheduled), thousands(wh.Sent), thousands(wh.OK), thousands(wh.Errors), thousands(wh.NotSent), wh.AchievedRate, wh.MaxLagMs, wh.CPUCores)
	fmt.Fprintf(tw, "  response\t%s\n", latencyLine(wh.Response))
	fmt.Fprintf(tw, "  webhook → SSE\t%s over %s deliveries; %s lost, %s duplicates, %s reconnects\n",
		latencyLine(wh.Latency), thousands(wh.Delivered), thousands(wh.Lost), thousands(wh.Duplicates), thousands(wh.Reconnects))
	fmt.Fprintf(tw, "  recognised\t%s; %s not as expected\n", recognisedLine(wh.Recognised), thousands(wh.Mismatched))
	st := wh.Stages
	fmt.Fprintf(tw, "  server stages\trecognise p50 %.2f ms, p99 %.2f ms; wait for the writer p50 %.2f, p99 %.2f; commit p50 %.2f, p99 %.2f; "+
		"flush p50 %.2f, p99 %.2f; commit to each screen p50 %.2f, p99 %.2f; %.1f events a commit (from /metrics, ±25%%); "+
		"%s flushes to disk, %.1f events a flush\n",
		st.Recognise.P50Ms, st.Recognise.P99Ms, st.Wait.P50Ms, st.Wait.P99Ms, st.Commit.P50Ms, st.Commit.P99Ms,
		st.Flush.P50Ms, st.Flush.P99Ms, st.Delivery.P50Ms, st.Delivery.P99Ms, st.GroupMean, thousands(int64(st.DiskFlushes)), st.EventsPerFlush)
	if bw := r.BareWebhooks; bw != nil {
		fmt.Fprintf(tw, "  bare echo\twebhook → SSE %s over %s deliveries, %s lost; response p99 %.2f ms; %s errors; CPU %.2f cores: "+
			"callcard's p99 is %.2f ms more\n", latencyLine(bw.Latency), thousands(bw.Delivered), thousands(bw.Lost),
			bw.Response.P99Ms, thousands(bw.Errors), bw.CPUCores, wh.Latency.P99Ms-bw.Latency.P99Ms)
	}
	an := wh.Anatomy
	fmt.Fprintf(tw, "  slowest 1%%	%s of %s events took %.2f ms or more to their last screen; medians: to the server %.2f ms, "+
		"recognise %.2f, wait for the writer %.2f, commit %.2f, commit to last screen %.2f (all events: %.2f, %.2f, %.2f, %.2f, %.2f); "+
		"p99 to the last screen %.2f ms, %.2f ms had the writer's wait and commit taken no time\n",
		thousands(int64(an.SlowestEvents)), thousands(int64(an.Events)), an.SlowestFromMs,
		an.Slowest.ToServerMs, an.Slowest.RecogniseMs, an.Slowest.WaitMs, an.Slowest.CommitMs, an.Slowest.ToScreensMs,
		an.All.ToServerMs, an.All.RecogniseMs, an.All.WaitMs, an.All.CommitMs, an.All.ToScreensMs, an.P99Ms, an.WithoutWriterP99Ms)
	for _, l := range []struct {
		name  string
		run   lookupRun
		cores float64
	}{{"look-up callcard", lk.Callcard, lk.CallcardCPUCores}, {"look-up bare echo", lk.Bare, lk.BareCPUCores},
		{"look-up, one client", lk.Single, lk.SingleCPUCores}} {
		fmt.Fprintf(tw, "%s\t%s req/s, %d clients, %s requests (%s not found, %s errors), CPU %.2f cores; %s\n", l.name,
			thousands(int64(l.run.RPS)), l.run.Clients, thousands(l.run.Requests), thousands(l.run.NotFound), thousands(l.run.Errors),
			l.cores, latencyLine(l.run.Latency))
	}
	fmt.Fprintf(tw, "card\t%s cards (%s with an organisation, %s with hints), CPU %.2f cores; %s\n",
		thousands(int64(c.Cards)), thousands(int64(c.WithOrganisation)), thousands(int64(c.WithHints)), c.CPUCores, latencyLine(c.Latency))
	for _, s := range []struct {
		name string
		m    memSnapshot
	}{{"memory after import", r.Memory.AfterBuild}, {"memory when ready", r.Memory.Ready}, {"memory after load", r.Memory.AfterLoad}} {
		fmt.Fprintf(tw, "%s\tRSS %.0f MB (anon %.0f, file %.0f), peak %.0f MB; Go heap in use %.0f MB, Go holds %.0f MB, C heap (SQLite) ≈ %.0f MB\n",
			s.name, s.m.RSSMB, s.m.AnonMB, s.m.FileMB, s.m.HWMMB, s.m.HeapInuseMB, s.m.GoHeldMB, s.m.OtherMB)
	}
	fmt.Fprintf(tw, "database\t%.0f MB + WAL %.1f MB\n", float64(r.Database.DBBytes)/1e6, float64(r.Database.WALBytes)/1e6)
	fmt.Fprintf(tw, "goroutines\t%d before the server, %d under load, %d after shutdown\n", r.Goroutines.Before, r.Goroutines.During, r.Goroutines.After)
	tw.Flush()
	if wh.FirstError != "" {
		fmt.Fprintf(w, "first webhook error: %s\n", wh.FirstError)
	}
	if lk.Callcard.FirstErr != "" {
		fmt.Fprintf(w, "first look-up error: %s\n", lk.Callcard.FirstErr)
	}
}

func latencyLine(s latencySummary) string {
	return fmt.Sprintf("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (n=%s)", s.P50Ms, s.P99Ms, s.P999Ms, s.MaxMs, thousands(s.Count))
}

func recognisedLine(m map[string]map[string]int64) string {
	var parts []string
	for _, k := range kindNames {
		got := m[k]
		if len(got) == 0 {
			continue
		}
		var ms []string
		for match, n := range got {
			ms = append(ms, fmt.Sprintf("%s %s", thousands(n), match))
		}
		sort.Strings(ms)
		parts = append(parts, k+" → "+strings.Join(ms, "/"))
	}
	return strings.Join(parts, "; ")
}

// thousands writes n with thin separators: 1,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
