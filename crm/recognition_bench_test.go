package crm_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// benchContacts is the register size of the benchmarks: 1,000,000 unless
// CALLCARD_BENCH_CONTACTS says otherwise (CI runs them smaller).
func benchContacts(b *testing.B) int {
	b.Helper()
	n := 1_000_000
	if v := os.Getenv("CALLCARD_BENCH_CONTACTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("CALLCARD_BENCH_CONTACTS=%q: want a positive number", v)
		}
	}
	return n
}

// BenchmarkRecognise measures one recognition per outcome against a
// synthetic register built (generated and imported) afresh in every run.
// The normaliser's cache of recent inputs and the store's cache of recent
// recognitions are off, so every recognition parses its number and reads
// the database as a first-time caller's would:
//
//	go test -run '^$' -bench Recognise -benchtime 20000x ./crm
//	CALLCARD_BENCH_CONTACTS=50000 go test -run '^$' -bench Recognise ./crm
func BenchmarkRecognise(b *testing.B) {
	n := benchContacts(b)
	ctx := context.Background()
	s := openStoreWith(b, phone.Config{DefaultRegion: "NL", CacheSize: -1},
		func(c *crm.Config) { c.RecognitionCache = -1 })
	g := crm.NewSynthetic(n, 42)
	start := time.Now()
	rep, err := crm.SeedSynthetic(ctx, s, g, crm.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("register: %d contacts, %d organisations (%d rows) imported in %v",
		g.Contacts, g.Organisations(), rep.Imported, time.Since(start).Round(time.Millisecond))

	for _, m := range []crm.Match{crm.MatchContact, crm.MatchOrganisation, crm.MatchNumberRange, crm.MatchUnknown, crm.MatchWithheld} {
		samples := g.Samples(m, 1024)
		if len(samples) == 0 {
			b.Fatalf("no sample numbers for %s", m)
		}
		// Check the samples once, outside the timing: a benchmark of the
		// wrong outcome measures nothing.
		for _, raw := range samples {
			r, err := s.Recognise(ctx, raw)
			if err != nil || r.Match != m {
				b.Fatalf("%s sample %q: got %s, %v", m, raw, r.Match, err)
			}
		}
		b.Run(string(m), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.Recognise(ctx, samples[i%len(samples)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		if m == crm.MatchContact {
			// The same look-ups with the numbers already parsed, to tell
			// the database's share from the parser's.
			nums := make([]phone.Number, len(samples))
			for i, raw := range samples {
				nums[i] = must(s.Phone().Normalise(raw))
			}
			b.Run(string(m)+"_normalised", func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := s.RecogniseNumber(ctx, nums[i%len(nums)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkRecogniseRemembered measures recognising a contact whose number
// was recognised moments before, as the desk phone's look-up and the card
// do after the webhook: the answer comes from the store's cache of recent
// recognitions, the number from the normaliser's.
//
//	go test -run '^$' -bench RecogniseRemembered ./crm
func BenchmarkRecogniseRemembered(b *testing.B) {
	ctx := context.Background()
	s := openStore(b)
	g := crm.NewSynthetic(5000, 42)
	if _, err := crm.SeedSynthetic(ctx, s, g, crm.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	samples := g.Samples(crm.MatchContact, 1024)
	for _, raw := range samples {
		if r, err := s.Recognise(ctx, raw); err != nil || r.Match != crm.MatchContact {
			b.Fatalf("sample %q: got %s, %v", raw, r.Match, err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Recognise(ctx, samples[i%len(samples)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkImportContacts measures importing a synthetic contacts file
// into an empty register (services and employees already there), in rows
// per second:
//
//	go test -run '^$' -bench ImportContacts -benchtime 1x ./crm
func BenchmarkImportContacts(b *testing.B) {
	n := benchContacts(b)
	ctx := context.Background()
	g := crm.NewSynthetic(n, 42)
	var file bytes.Buffer
	if err := g.WriteContacts(&file); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	rows := 0
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s := openStore(b)
		var buf bytes.Buffer
		must(0, g.WriteServices(&buf))
		must(s.ImportServices(ctx, &buf, crm.ImportOptions{}))
		buf.Reset()
		must(0, g.WriteEmployees(&buf))
		must(s.ImportEmployees(ctx, &buf, crm.ImportOptions{}))
		b.StartTimer()

		rep, err := s.ImportContacts(ctx, bytes.NewReader(file.Bytes()), crm.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Failed > 0 {
			b.Fatalf("%d bad rows, first %v", rep.Failed, rep.Errors[0])
		}
		rows += rep.Rows

		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
