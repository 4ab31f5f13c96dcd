package crm_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// fixedNow is the clock of every test register, so "years as a client" and
// history ordering never depend on the day the tests run.
var fixedNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// openStore opens a fresh register in a real SQLite file under t.TempDir().
func openStore(t testing.TB) *crm.Store {
	t.Helper()
	return openStoreWith(t, phone.Config{DefaultRegion: "NL"})
}

// openStoreWith is openStore with the numbers read as pc says; set, if
// given, adjusts the rest of the configuration.
func openStoreWith(t testing.TB, pc phone.Config, set ...func(*crm.Config)) *crm.Store {
	t.Helper()
	n, err := phone.New(pc)
	if err != nil {
		t.Fatal(err)
	}
	cfg := crm.Config{Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n, Now: func() time.Time { return fixedNow }}
	for _, f := range set {
		f(&cfg)
	}
	s, err := crm.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// must unwraps a setup step's result; a setup failure panics, which fails
// the test with the stack of the step that broke.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
