package main

import (
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	for _, tc := range []struct {
		name, in    string
		busy, steal time.Duration
		err         string
	}{
		{name: "linux 6", in: "cpu  556518 122545 126179 943104 11640 0 24559 685 0 0\ncpu0 273008 57917 58146 488871 3259 0 11324 345 0 0\n",
			busy: (556518 + 122545 + 126179) * 10 * time.Millisecond, steal: 685 * 10 * time.Millisecond},
		{name: "before steal was counted", in: "cpu 10 20 30 40\n", busy: 600 * time.Millisecond},
		{name: "no newline", in: "cpu 1 0 0 5 0 0 0 2", busy: 10 * time.Millisecond, steal: 20 * time.Millisecond},
		{name: "a cpu's own line first", in: "cpu0 1 2 3 4\n", err: "not the machine's total"},
		{name: "too short", in: "cpu 1 2\n", err: "not the machine's total"},
		{name: "empty", in: "", err: "not the machine's total"},
		{name: "not a number", in: "cpu 1 x 3 4\n", err: `column 2 of the cpu line is "x"`},
		{name: "negative", in: "cpu 1 2 -3 4\n", err: `column 3 of the cpu line is "-3"`},
		{name: "past a Duration", in: "cpu 1 2 3 4 5 6 7 9223372036854775\n", err: "column 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseProcStat([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.busy != tc.busy || got.steal != tc.steal {
				t.Errorf("busy %v steal %v, want %v and %v", got.busy, got.steal, tc.busy, tc.steal)
			}
		})
	}
}

func FuzzParseProcStat(f *testing.F) {
	f.Add([]byte("cpu  556518 122545 126179 943104 11640 0 24559 685 0 0\n"))
	f.Add([]byte("cpu 1 2 3 4"))
	f.Add([]byte("cpu 99999999999999999999 1 1 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseProcStat(b)
		if err == nil && (s.busy < 0 || s.steal < 0) {
			t.Fatalf("%q: busy %v, steal %v", b, s.busy, s.steal)
		}
	})
}

// TestNeighboursSeen keeps one CPU busy in a child process and one in this
// one: the child's must be counted as other work, and this process's not.
func TestNeighboursSeen(t *testing.T) {
	if _, ok := readSystemCPU(); !ok {
		t.Skip("this machine has no /proc/stat")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run a busy child")
	}
	clock := startClock()
	child := exec.Command(sh, "-c", "while :; do :; done")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	spun := make(chan struct{})
	go func() {
		defer close(spun)
		for !stop.Load() {
		}
	}()
	time.Sleep(1500 * time.Millisecond)
	stop.Store(true)
	<-spun
	own, n, ok := clock.stop("test")
	child.Process.Kill()
	child.Wait()
	if !ok {
		t.Fatal("no figures, though /proc/stat was read at the start")
	}
	if n.Phase != "test" {
		t.Errorf("phase %q", n.Phase)
	}
	// Other packages' tests may share the machine, so the child's share
	// can be well under a CPU; their own CPU counts as other work too.
	if n.OtherCores < 0.15 {
		t.Errorf("other work %.2f cores with a busy child", n.OtherCores)
	}
	// Everything together cannot use more than the machine's CPUs: this
	// process's own CPU counted as other work would take it over them
	// when the two loops fill a two-CPU machine.
	if cpus := float64(runtime.NumCPU()); n.OtherCores+own > cpus+0.15 {
		t.Errorf("other work %.2f + this process %.2f cores > %.0f CPUs: this process's own CPU was counted as other work",
			n.OtherCores, own, cpus)
	}
	if !n.busy() {
		t.Errorf("%.2f cores of other work is not called busy", n.OtherCores)
	}
}

func TestNeighboursLines(t *testing.T) {
	quiet := benchMachine{Neighbours: []benchNeighbours{{Phase: "import", OtherCores: 0.02}, {Phase: "webhooks", OtherCores: 0.09, StealCores: 0.019}}}
	lines := strings.Join(neighboursLines(quiet), "\n")
	for _, want := range []string{"other work on the machine, in cores: import 0.02, webhooks 0.09", "(steal), in cores: import 0.000, webhooks 0.019"} {
		if !strings.Contains(lines, want) {
			t.Errorf("lacks %q:\n%s", want, lines)
		}
	}
	if strings.Contains(lines, "NOTE") {
		t.Errorf("a quiet machine called busy:\n%s", lines)
	}

	busy := benchMachine{Neighbours: []benchNeighbours{{Phase: "import", OtherCores: 0.02},
		{Phase: "webhooks", OtherCores: 0.95}, {Phase: "cards", OtherCores: 0.01, StealCores: 0.02}}}
	lines = strings.Join(neighboursLines(busy), "\n")
	if !strings.Contains(lines, "NOTE: the machine was not idle") || !strings.Contains(lines, "during webhooks (0.95 and 0.000), cards (0.01 and 0.020)") {
		t.Errorf("the busy phases are not named:\n%s", lines)
	}
	if strings.Contains(lines, "import (") {
		t.Errorf("a quiet phase named busy:\n%s", lines)
	}
	if neighboursLines(benchMachine{}) != nil {
		t.Error("lines without figures")
	}
}
