package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cli runs the callcard command line as a user would, with a fresh
// environment that only names the database.
func cli(t *testing.T, db string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "CALLCARD_DATABASE" {
			return db
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "callcard.db")

	out, err := cli(t, db, "", "demo")
	if err != nil || !strings.Contains(out, "Martijn de Vries") || !strings.Contains(out, "Numbers to try") {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, err = cli(t, db, "", "recognise", "06-12345678", "+31 (0)6 1234 5678", "anonymous", "hello")
	if err == nil || !strings.Contains(out, "contact Martijn de Vries (Van der Berg Logistiek BV)") ||
		!strings.Contains(out, "client for 7 years") || !strings.Contains(out, "withheld") || !strings.Contains(out, "not a number") {
		t.Fatalf("recognise: %v\n%s", err, out)
	}

	// Export, import into a new register, export again: the same file.
	first := filepath.Join(dir, "contacts.csv")
	if out, err := cli(t, db, "", "export", "contacts", "--out", first); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	db2 := filepath.Join(dir, "second.db")
	for _, what := range []string{"employees", "services"} {
		file := filepath.Join(dir, what+".csv")
		if out, err := cli(t, db, "", "export", what, "--out", file); err != nil {
			t.Fatalf("export %s: %v\n%s", what, err, out)
		}
		if out, err := cli(t, db2, "", "import", what, file); err != nil {
			t.Fatalf("import %s: %v\n%s", what, err, out)
		}
	}
	if out, err := cli(t, db2, "", "import", "contacts", first); err != nil || !strings.Contains(out, "refused") {
		t.Fatalf("import contacts: %v\n%s", err, out)
	}
	second := filepath.Join(dir, "again.csv")
	if out, err := cli(t, db2, "", "export", "contacts", "--out", second); err != nil {
		t.Fatalf("export again: %v\n%s", err, out)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("export -> import -> export differs (%d vs %d bytes)", len(a), len(b))
	}

	// A bad row is reported by line and column; the good rows land.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("organisation,contact,phone\nBakkerij Jansen,Jan Jansen,030 230 4000\nBakkerij Jansen,Piet,12ab\n"), 0o644)
	out, err = cli(t, db2, "", "import", "contacts", bad)
	if err == nil || !strings.Contains(out, "line 3, column phone") || !strings.Contains(out, "Imported 1 of 2") {
		t.Fatalf("bad row: %v\n%s", err, out)
	}

	// Tokens: shown once, listed, revoked.
	out, err = cli(t, db, "", "token", "add", "asterisk")
	if err != nil || !regexp.MustCompile(`cc_[A-Za-z0-9_-]{20,}`).MatchString(out) {
		t.Fatalf("token add: %v\n%s", err, out)
	}
	if out, _ := cli(t, db, "", "token", "list"); !strings.Contains(out, "asterisk") || strings.Contains(out, "cc_") {
		t.Fatalf("token list shows %q", out)
	}
	if _, err := cli(t, db, "", "token", "revoke", "asterisk"); err != nil {
		t.Fatal(err)
	}

	// Users: a password from standard input, a wrong role refused.
	if out, err := cli(t, db, "a long enough password\n", "user", "add", "anna", "--role", "receptionist", "--password-stdin"); err != nil ||
		strings.Contains(out, "Password (shown once)") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if _, err := cli(t, db, "", "user", "add", "kees", "--role", "janitor"); err == nil {
		t.Fatal("a user with an unknown role was added")
	}
	if _, err := cli(t, db, "", "frobnicate"); exitCode(err) != 2 {
		t.Fatalf("unknown command: %v (exit %d), want exit 2", err, exitCode(err))
	}
}

// TestServeDemo starts `callcard serve --demo` as the README says, rings a
// call with `callcard call`, and stops it with a signal-like cancel.
func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "callcard.db")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		getenv := func(k string) string {
			if k == "CALLCARD_DATABASE" {
				return db
			}
			return ""
		}
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, getenv, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	var base, token, callCmd string
	sc := bufio.NewScanner(pr)
	deadline := time.After(60 * time.Second)
	lines := make(chan string)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for callCmd == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended early: %v", <-done)
			}
			if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(line); m != nil {
				base = m[1]
			}
			if m := regexp.MustCompile(`(cc_[A-Za-z0-9_-]+)`).FindStringSubmatch(line); m != nil && token == "" {
				token = m[1]
			}
			if strings.Contains(line, "callcard call") {
				callCmd = line
			}
		case <-deadline:
			t.Fatal("serve --demo printed no way to try a call within 60 s")
		}
	}
	go func() {
		for range lines {
		}
	}()
	if base == "" || token == "" {
		t.Fatalf("no URL (%q) or token (%q) printed", base, token)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	// The printed command, as a person would paste it (minus "go run").
	args := regexp.MustCompile(`"[^"]*"|\S+`).FindAllString(strings.TrimSpace(strings.SplitN(callCmd, "callcard ", 2)[1]), -1)
	for i, a := range args {
		args[i] = strings.Trim(a, `"`)
	}
	out, err := cli(t, db, "", args...)
	if err != nil || !strings.Contains(out, "Martijn de Vries") {
		t.Fatalf("callcard %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of the signal")
	}
}
