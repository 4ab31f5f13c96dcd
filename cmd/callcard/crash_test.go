package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCrashLosesNothing builds the real binary, lets it take webhooks from 8
// senders, kills it with SIGKILL in mid-stream, starts it again on the same
// file and checks that every event it acknowledged is stored and that the
// database is intact. An acknowledged event is committed (WAL, synchronous
// NORMAL or FULL): a process crash can't take it back. It takes a few
// seconds, so it runs under -short too.
func TestCrashLosesNothing(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "callcard")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "callcard.db")
	out, err := crashCommand(bin, "token", "add", "--database", db, "crash-test").CombinedOutput()
	if err != nil {
		t.Fatalf("token add: %v\n%s", err, out)
	}
	token := regexp.MustCompile(`cc_[A-Za-z0-9_-]+`).FindString(string(out))
	if token == "" {
		t.Fatalf("no token in %s", out)
	}

	srv, base := startCrashServer(t, bin, db)
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	client := &http.Client{Timeout: 5 * time.Second}
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("crash-%d-%d", g, i)
				body := `{"call_id":"` + id + `","event":"ringing","from":"06 12345678"}`
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/webhooks/call", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}()
	}
	// Kill it mid-stream: after 1.5 s, and once a few hundred events are in
	// (a busy machine may need longer).
	time.Sleep(1500 * time.Millisecond)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d webhooks acknowledged before the kill; the test proves nothing", len(acked))
	}

	// Start again on the same file: it must recover and serve.
	srv, base = startCrashServer(t, bin, db)
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz after restart: %v %v", resp, err)
	}
	resp.Body.Close()

	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stored := map[string]bool{}
	rows, err := conn.Query(`SELECT c.external_id FROM calls c JOIN call_events e ON e.call_id = c.id WHERE c.external_id LIKE 'crash-%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		stored[id] = true
	}
	rows.Close()
	var lost []string
	for _, id := range acked {
		if !stored[id] {
			lost = append(lost, id)
		}
	}
	var integrity string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil {
		t.Fatal(err)
	}
	t.Logf("acknowledged %d, stored %d (the rest were in flight at the kill), lost %d, integrity_check %s",
		len(acked), len(stored), len(lost), integrity)
	if len(lost) > 0 {
		t.Errorf("%d acknowledged events lost, e.g. %v", len(lost), lost[:min(5, len(lost))])
	}
	if integrity != "ok" {
		t.Errorf("integrity_check: %s", integrity)
	}

	// And it still takes webhooks, then stops cleanly on SIGTERM.
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/webhooks/call",
		strings.NewReader(`{"call_id":"after-crash","event":"ringing","from":"06 12345678"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := client.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook after restart: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Fatalf("stopping after the restart: %v", err)
	}
}

// crashCommand runs the binary without any CALLCARD_* settings of the
// machine running the tests.
func crashCommand(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CALLCARD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// startCrashServer starts `callcard serve` on a free loopback port and
// returns once it says where it listens.
func startCrashServer(t *testing.T, bin, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := crashCommand(bin, "serve", "--database", db, "--addr", "127.0.0.1:0", "--log", "json")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case base := <-found:
		return cmd, base
	case <-ctx.Done():
		t.Fatal("serve did not say where it listens within 30 s")
		return nil, ""
	}
}
