package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// TestPrivacyCommands: backup, export person and erase contact from the
// command line, on the demo register.
func TestPrivacyCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "callcard.db")
	if out, err := cli(t, db, "", "demo"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}

	t.Run("Backup", func(t *testing.T) {
		copyPath := filepath.Join(dir, "backup.db")
		out, err := cli(t, db, "", "backup", copyPath, "--quiet-not-a-flag")
		if err == nil {
			t.Fatal("an unknown flag after FILE was accepted")
		}
		out, err = cli(t, db, "", "backup", copyPath)
		if err != nil || !strings.Contains(out, "Backed up") {
			t.Fatalf("backup: %v\n%s", err, out)
		}
		if out, err := cli(t, copyPath, "", "recognise", "06 12345678"); err != nil || !strings.Contains(out, "Martijn de Vries") {
			t.Fatalf("the copy: %v\n%s", err, out)
		}
		if _, err := cli(t, db, "", "backup", copyPath); err == nil {
			t.Fatal("a backup overwrote an existing file")
		}
	})

	contactID := demoContactID(t, db)

	t.Run("ExportPerson", func(t *testing.T) {
		out, err := cli(t, db, "", "export", "person", contactID)
		if err != nil {
			t.Fatalf("export person: %v\n%s", err, out)
		}
		var sa crm.SubjectAccess
		if err := json.Unmarshal([]byte(out), &sa); err != nil || sa.Contact.Name != "Martijn de Vries" || len(sa.Numbers) == 0 {
			t.Fatalf("export person: %v\n%s", err, out)
		}
	})
	t.Run("EraseAsksFirst", func(t *testing.T) {
		out, err := cli(t, db, "no\n", "erase", "contact", contactID)
		if err == nil || !strings.Contains(out, "Martijn de Vries") {
			t.Fatalf("erase answered no: %v\n%s", err, out)
		}
		if out, _ := cli(t, db, "", "recognise", "06 12345678"); !strings.Contains(out, "Martijn de Vries") {
			t.Fatalf("erased without a yes:\n%s", out)
		}
	})
	t.Run("Erase", func(t *testing.T) {
		out, err := cli(t, db, "", "erase", "contact", contactID, "--yes")
		if err != nil || !strings.Contains(out, "Erased contact #"+contactID) {
			t.Fatalf("erase: %v\n%s", err, out)
		}
		if out, _ := cli(t, db, "", "recognise", "06 12345678"); strings.Contains(out, "Martijn") || !strings.Contains(out, "unknown") {
			t.Fatalf("after erasure:\n%s", out)
		}
		if _, err := cli(t, db, "", "export", "person", contactID); err == nil {
			t.Fatal("an erased person can still be exported")
		}
	})
}

// demoContactID finds the demo story's contact id.
func demoContactID(t *testing.T, db string) string {
	t.Helper()
	store, err := (&registerFlags{database: db, region: "NL"}).open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	r, err := store.Recognise(t.Context(), "06 12345678")
	if err != nil || r.Contact == nil {
		t.Fatalf("demo contact: %v %+v", err, r)
	}
	return strconv.FormatInt(r.Contact.ID, 10)
}

// TestRetention: serve's retention pass runs at once, removes the numbers
// of calls older than the retention, and stops when serve does.
func TestRetention(t *testing.T) {
	ctx := t.Context()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().AddDate(-3, 0, 0)
	store, err := crm.Open(ctx, crm.Config{Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n,
		Now: func() time.Time { return past }})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "old", Event: crm.EventRinging, From: "06 12345678"}); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := runRetention(runCtx, slog.New(slog.NewTextHandler(io.Discard, nil)), store, crm.DefaultRetention)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := store.CallByRef(ctx, "old")
		if err != nil {
			t.Fatal(err)
		}
		if c.From.Raw == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the old call kept its number")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("retention did not stop")
	}
	if off := runRetention(ctx, nil, store, 0); off == nil {
		t.Fatal("no done channel")
	} else {
		<-off // retention 0: nothing runs, done at once
	}
}
