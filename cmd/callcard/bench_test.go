package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestBench runs a small benchmark for real (register, importers, server,
// webhooks, event streams, look-ups, cards) and checks that it finishes,
// loses no event, and writes every section with figures in them. Targets
// are not checked: this machine may be slow, or running under -race.
func TestBench(t *testing.T) {
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "bench-results.json")
	var stdout, stderr bytes.Buffer
	args := []string{"bench", "--contacts", "2000", "--rate", "200", "--duration", "2s", "--lookup-duration", "1s",
		"--cards", "300", "--jitter", "300ms", "--json", jsonPath, "--dir", filepath.Join(dir, "db"), "--profile", filepath.Join(dir, "prof")}
	if err := os.Mkdir(filepath.Join(dir, "prof"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr.String())
	}
	for _, want := range []string{"webhook → SSE p99", "events lost", "look-up throughput", "card p99", "import", "resident memory"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout.String())
		}
	}

	// A CPU profile and an execution trace of every phase.
	for _, phase := range []string{"import", "webhooks", "bare-webhooks", "lookup", "bare", "card"} {
		for _, kind := range []string{".pprof", ".trace"} {
			b, err := os.ReadFile(filepath.Join(dir, "prof", phase+kind))
			if err != nil {
				t.Error(err)
				continue
			}
			if kind == ".trace" && !bytes.HasPrefix(b, []byte("go 1.")) || kind == ".pprof" && len(b) == 0 {
				t.Errorf("%s%s is not a %s (%d bytes)", phase, kind, kind, len(b))
			}
		}
	}

	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(raw, &sections); err != nil {
		t.Fatalf("the JSON is not valid: %v", err)
	}
	for _, s := range []string{"machine", "config", "import", "webhooks", "bare_webhooks", "lookup", "card", "memory", "database", "goroutines", "targets", "pass"} {
		if len(sections[s]) == 0 || string(sections[s]) == "null" {
			t.Errorf("the JSON has no %q section", s)
		}
	}
	// Bare echo recognises and stores nothing: its section says nothing of
	// matches, stages or anatomy, rather than zeros that read as results.
	var bare map[string]json.RawMessage
	if err := json.Unmarshal(sections["bare_webhooks"], &bare); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"recognised", "mismatched", "stages", "anatomy"} {
		if _, ok := bare[k]; ok {
			t.Errorf("the bare_webhooks section has %q, which only callcard's run measures", k)
		}
	}
	for _, k := range []string{"webhook_to_sse", "webhook_response", "events_lost", "cpu_cores"} {
		if _, ok := bare[k]; !ok {
			t.Errorf("the bare_webhooks section lacks %q", k)
		}
	}
	var r benchResults
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}

	// The machine's own timer jitter, measured before the run: about 300
	// sleeps of 1 ms, none of them early.
	if j := r.Machine.TimerOversleep; j == nil || j.Count < 10 || j.Count > 300 || j.P50Ms < 0 || j.MaxMs < j.P99Ms {
		t.Errorf("timer oversleep %+v after 300 ms of 1 ms sleeps", j)
	}
	if !strings.Contains(stdout.String(), "1 ms sleeps overran") {
		t.Errorf("the report lacks the machine's timer jitter:\n%s", stdout.String())
	}
	// What the rest of the machine used, phase by phase, where it says.
	if _, ok := readSystemCPU(); ok {
		var phases []string
		for _, n := range r.Machine.Neighbours {
			phases = append(phases, n.Phase)
			if n.OtherCores < 0 || n.StealCores < 0 || n.OtherCores > float64(runtime.NumCPU())+0.5 {
				t.Errorf("phase %s: other work %.2f cores, steal %.2f", n.Phase, n.OtherCores, n.StealCores)
			}
		}
		want := "idle check, import, webhooks, bare echo webhooks, look-ups, bare echo look-ups, one-client look-ups, cards"
		if got := strings.Join(phases, ", "); got != want {
			t.Errorf("other work measured in phases %q, want %q", got, want)
		}
		if !strings.Contains(stdout.String(), "other work on the machine, in cores: idle check ") {
			t.Errorf("the report lacks the other work on the machine:\n%s", stdout.String())
		}
	}

	wh := r.Webhooks
	// How many calls go out depends on the machine (and -race): a slow
	// server leaves calls unsent, never sent late.
	if wh.Scheduled != 400 || wh.Sent < 20 || wh.Sent+wh.NotSent != wh.Scheduled || wh.OK != wh.Sent || wh.Errors != 0 {
		t.Errorf("webhooks: %d scheduled, %d sent, %d not sent, %d ok, %d errors (first: %s)",
			wh.Scheduled, wh.Sent, wh.NotSent, wh.OK, wh.Errors, wh.FirstError)
	}
	if wh.Lost != 0 || wh.Expected != wh.OK*10 || wh.Delivered != wh.Expected || wh.Duplicates != 0 {
		t.Errorf("events: %d expected, %d delivered, %d lost, %d duplicates", wh.Expected, wh.Delivered, wh.Lost, wh.Duplicates)
	}
	if wh.Mismatched != 0 {
		t.Errorf("%d callers were not recognised as sampled: %v", wh.Mismatched, wh.Recognised)
	}
	for _, k := range []string{"contact", "contact_forwarded", "switchboard"} {
		if len(wh.Recognised[k]) == 0 {
			t.Errorf("no %s callers in the mix: %v", k, wh.Recognised)
		}
	}
	// The server's own stage histograms saw every stored event, and every
	// event reached the screens after its commit.
	st := wh.Stages
	if int64(st.Recognise.Count) != wh.OK || int64(st.Wait.Count) != wh.OK || int64(st.Commit.Count) != wh.OK || int64(st.Flush.Count) != wh.OK ||
		st.Delivery.Count == 0 || int64(st.Delivery.Count) > wh.Delivered || st.GroupMean < 1 ||
		st.Commit.P50Ms <= 0 || st.Commit.P99Ms < st.Commit.P50Ms || st.Delivery.P99Ms < st.Delivery.P50Ms {
		t.Errorf("server stages %+v for %d events stored, %d deliveries", st, wh.OK, wh.Delivered)
	}
	// Every event was flushed to disk, and no flush happened without a new
	// event to cover: only events were written during the webhooks.
	if st.DiskFlushes == 0 || int64(st.DiskFlushes) > wh.OK || st.EventsPerFlush < 1 {
		t.Errorf("%d flushes to disk (%.2f events a flush) for %d events stored", st.DiskFlushes, st.EventsPerFlush, wh.OK)
	}
	if !strings.Contains(stdout.String(), "server stages") {
		t.Errorf("the report lacks the server stages:\n%s", stdout.String())
	}
	// Every acknowledged event was followed from its webhook to its last
	// screen, and its stages fit inside its latency.
	an := wh.Anatomy
	if int64(an.Events) != wh.OK || an.SlowestEvents < 1 || an.SlowestFromMs <= 0 || an.P99Ms < an.All.CommitMs ||
		an.WithoutWriterP99Ms > an.P99Ms || an.All.CommitMs <= 0 || an.All.ToServerMs <= 0 || an.All.ToScreensMs <= 0 ||
		an.Slowest.ToServerMs+an.Slowest.RecogniseMs+an.Slowest.WaitMs+an.Slowest.CommitMs+an.Slowest.ToScreensMs <= 0 {
		t.Errorf("anatomy %+v for %d events stored", an, wh.OK)
	}
	if !strings.Contains(stdout.String(), "slowest 1%") {
		t.Errorf("the report lacks the anatomy of the slowest events:\n%s", stdout.String())
	}
	// The same load against the bare echo: every call answered and handed
	// to every screen, timed the same way.
	if bw := r.BareWebhooks; bw == nil {
		t.Error("no bare echo webhooks in the results")
	} else if bw.Scheduled != 400 || bw.Sent < 20 || bw.OK != bw.Sent || bw.Errors != 0 || bw.Lost != 0 ||
		bw.Expected != bw.OK*10 || bw.Delivered != bw.Expected || bw.Duplicates != 0 ||
		bw.Latency.Count != bw.Delivered || bw.Latency.P50Ms <= 0 || bw.Latency.P99Ms < bw.Latency.P50Ms {
		t.Errorf("bare echo webhooks: %d scheduled, %d sent, %d ok, %d errors (first: %s); %d expected, %d delivered, %d lost; latency %+v",
			bw.Scheduled, bw.Sent, bw.OK, bw.Errors, bw.FirstError, bw.Expected, bw.Delivered, bw.Lost, bw.Latency)
	}
	if !strings.Contains(stdout.String(), "callcard's p99 is") {
		t.Errorf("the report lacks the bare echo webhooks:\n%s", stdout.String())
	}
	lk := r.Lookup
	positive := map[string]float64{
		"import rows/s":          r.Import.RowsPerS,
		"webhook→SSE p50":        wh.Latency.P50Ms,
		"webhook→SSE p99":        wh.Latency.P99Ms,
		"webhook response p99":   wh.Response.P99Ms,
		"achieved rate":          wh.AchievedRate,
		"look-up req/s":          lk.Callcard.RPS,
		"look-up p99":            lk.Callcard.Latency.P99Ms,
		"one-client look-up p99": lk.Single.Latency.P99Ms,
		"one-client look-ups":    float64(lk.Single.Requests),
		"bare req/s":             lk.Bare.RPS,
		"ratio":                  lk.Ratio,
		"card p50":               r.Card.Latency.P50Ms,
		"card p99":               r.Card.Latency.P99Ms,
		"cards":                  float64(r.Card.Cards),
		"RSS after build":        r.Memory.AfterBuild.RSSMB,
		"import's peak RSS":      r.Memory.AfterBuild.HWMMB,
		"RSS after load":         r.Memory.AfterLoad.RSSMB,
		"peak RSS":               r.Memory.AfterLoad.HWMMB,
		"database bytes":         float64(r.Database.DBBytes),
		"goroutines under load":  float64(r.Goroutines.During),
		"CPUs":                   float64(r.Machine.CPUs),
		"look-up requests":       float64(lk.Callcard.Requests),
		"webhook→SSE deliveries": float64(wh.Latency.Count),
	}
	for name, v := range positive {
		if !(v > 0) {
			t.Errorf("%s = %v, want a positive figure", name, v)
		}
	}
	if lk.Single.Clients != 1 || lk.Single.Errors != 0 {
		t.Errorf("one-client look-ups: %d clients, %d errors (%s)", lk.Single.Clients, lk.Single.Errors, lk.Single.FirstErr)
	}
	if lk.Callcard.Errors != 0 || lk.Bare.Errors != 0 {
		t.Errorf("look-up errors: callcard %d (%s), bare %d (%s)", lk.Callcard.Errors, lk.Callcard.FirstErr, lk.Bare.Errors, lk.Bare.FirstErr)
	}
	if want := min(300, int(wh.OK)); r.Card.Cards != want {
		t.Errorf("%d cards assembled, want %d", r.Card.Cards, want)
	}
	if len(r.Targets) != 9 {
		t.Errorf("%d targets, want 9", len(r.Targets))
	}
	// Every stream, connection and server goroutine ends with the run.
	if r.Goroutines.After > r.Goroutines.Before+2 {
		t.Errorf("goroutines: %d before, %d after: something was left running", r.Goroutines.Before, r.Goroutines.After)
	}
	// The database stays in --dir, and a second run there refuses to reuse it.
	if _, err := os.Stat(filepath.Join(dir, "db", "callcard-bench.db")); err != nil {
		t.Error(err)
	}
	err = run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), "fresh register") {
		t.Errorf("a second run in the same --dir: got %v, want a usage error", err)
	}
}

func TestBenchFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--rate", "0"},
		{"--contacts", "-1"},
		{"--subscribers", "0"},
		{"--duration", "0s"},
		{"--lookup-duration", "2h"},
		{"--rate", "1", "--duration", "100ms"},
		{"extra"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"bench"}, args...), func(string) string { return "" }, nil, &out, &out)
			if _, ok := err.(usageError); !ok {
				t.Errorf("got %v, want a usage error", err)
			}
		})
	}
	// The environment fills flags not given.
	var out bytes.Buffer
	env := map[string]string{"CALLCARD_RATE": "0"}
	err := run(context.Background(), []string{"bench"}, func(k string) string { return env[k] }, nil, &out, &out)
	if _, ok := err.(usageError); !ok {
		t.Errorf("CALLCARD_RATE=0: got %v, want a usage error", err)
	}
}

func TestLatencyHist(t *testing.T) {
	var h latencyHist
	if h.quantile(0.99) != 0 || h.summary().Count != 0 {
		t.Fatal("an empty histogram has no quantiles")
	}
	// 1 µs .. 10 ms in 1 µs steps: every quantile within 1% of exact.
	const n = 10_000
	for i := 1; i <= n; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
		exact := time.Duration(q*n) * time.Microsecond
		got := h.quantile(q)
		if diff := float64(got-exact) / float64(exact); diff < -0.01 || diff > 0.01 {
			t.Errorf("q%v = %v, want %v ± 1%%", q, got, exact)
		}
	}
	if h.quantile(1) != 10*time.Millisecond || h.summary().MaxMs != 10 {
		t.Errorf("max = %v, want exactly 10ms", h.quantile(1))
	}
	// Buckets are contiguous and ordered, and huge values are capped, not lost.
	for i := 1; i < histBuckets; i++ {
		if histUpper(i) <= histUpper(i-1) || histIndex(histUpper(i)) != i || histIndex(histUpper(i-1)+1) != i {
			t.Fatalf("bucket %d: bounds %d..%d", i, histUpper(i-1)+1, histUpper(i))
		}
	}
	var big latencyHist
	big.record(time.Duration(1 << 62))
	big.record(-time.Second)
	if big.n != 2 || big.counts[histBuckets-1] != 1 || big.counts[0] != 1 {
		t.Error("out-of-range values must land in the end buckets")
	}
	var merged latencyHist
	merged.merge(&h)
	merged.merge(&big)
	if merged.n != n+2 || merged.max != 1<<62 {
		t.Errorf("merge: n=%d max=%d", merged.n, merged.max)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -50000: "-50,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
