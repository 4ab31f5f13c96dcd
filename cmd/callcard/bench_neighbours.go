package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// Other work on the machine during a run. A latency tail measured while
// another process held a CPU, or while the hypervisor ran another guest,
// includes that wait: with a busy loop at nice 5 on each of two CPUs, the
// webhook → SSE p99 went from about 2 ms to 4–23 ms and the card p99 over
// 1 ms (docs/performance.md, "Beside other work"). The report says so
// beside the verdict, so that a FAIL on a shared machine is not read as
// callcard's alone.

// busyOtherCores is how much CPU other work may take during a phase, in
// cores, before the report calls the machine busy; busyStealCores is the
// same for the time the hypervisor withholds. In fourteen runs on this
// project's VM with nothing started beside them, other work measured 0.00
// cores in almost every phase (0.09 at most) and steal at most 0.013 in
// nine; in the other five, in a slower hour, steal reached 0.017–0.097
// cores in some phases, and the run with the most during its webhooks
// (0.097) had that hour's longest webhook tail: a vCPU the host does not
// run stalls whatever was on it for as long.
const (
	busyOtherCores = 0.1
	busyStealCores = 0.02
)

// procStatTick is the unit of /proc/stat: USER_HZ, which Linux fixes at
// 100 per second in everything it reports to user space, whatever the
// kernel's own timer frequency.
const procStatTick = 10 * time.Millisecond

// systemCPU is the CPU time of the whole machine since boot, from the
// first line of /proc/stat.
type systemCPU struct {
	// busy is the time every process and kernel thread ran (user, nice
	// and system). Interrupt time is left out: loopback networking runs
	// as soft interrupts, and most of those are the bench's own.
	busy time.Duration
	// steal is the time this virtual machine wanted a CPU and the
	// hypervisor ran something else.
	steal time.Duration
}

// readSystemCPU reads /proc/stat; false where there is none (not Linux).
func readSystemCPU() (systemCPU, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return systemCPU{}, false
	}
	s, err := parseProcStat(b)
	return s, err == nil
}

// parseProcStat reads the machine's total from /proc/stat: its first line,
// "cpu" and then the ticks spent user, nice, system, idle, iowait, irq,
// softirq and steal (older kernels stop before steal).
func parseProcStat(b []byte) (systemCPU, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 4 || f[0] != "cpu" {
		return systemCPU{}, fmt.Errorf("/proc/stat: the first line %.40q is not the machine's total", line)
	}
	// Three counts summed must fit a Duration: 97 years of ticks each.
	const maxTicks = math.MaxInt64 / int64(procStatTick) / 3
	var ticks [8]int64
	for i := 1; i < len(f) && i <= len(ticks); i++ {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil || n < 0 || n > maxTicks {
			return systemCPU{}, fmt.Errorf("/proc/stat: column %d of the cpu line is %q, not a count of ticks", i, f[i])
		}
		ticks[i-1] = n
	}
	const user, nice, system, steal = 0, 1, 2, 7
	return systemCPU{
		busy:  time.Duration(ticks[user]+ticks[nice]+ticks[system]) * procStatTick,
		steal: time.Duration(ticks[steal]) * procStatTick,
	}, nil
}

// benchNeighbours is how much CPU the rest of the machine took during one
// phase of the run.
type benchNeighbours struct {
	Phase string `json:"phase"`
	// OtherCores is the CPU time of every other process and kernel thread
	// over the phase's wall time: 1.0 is one CPU kept busy throughout.
	OtherCores float64 `json:"other_cores"`
	// StealCores is the time the hypervisor kept this machine's CPUs from
	// running, over the phase's wall time.
	StealCores float64 `json:"steal_cores"`
}

// busy says whether the phase's figures are likely to include waiting for
// a CPU that other work held.
func (n benchNeighbours) busy() bool {
	return n.OtherCores >= busyOtherCores || n.StealCores >= busyStealCores
}

// stop reads the clock once, so that both figures cover the same
// interval: the CPU the process used since the clock started, in cores
// (2.0 is two cores busy throughout), and what the rest of the machine
// used meanwhile, if the machine says (ok).
func (c phaseClock) stop(phase string) (ownCores float64, n benchNeighbours, ok bool) {
	now, sysOK := readSystemCPU()
	wall := float64(max(time.Since(c.wall), 1))
	own := processCPU() - c.cpu
	ownCores = float64(own) / wall
	if !sysOK || !c.sysOK {
		return ownCores, benchNeighbours{}, false
	}
	return ownCores, benchNeighbours{
		Phase:      phase,
		OtherCores: max(float64(now.busy-c.sys.busy-own)/wall, 0),
		StealCores: max(float64(now.steal-c.sys.steal)/wall, 0),
	}, true
}

// endPhase returns the CPU the process used since the clock started, in
// cores, and records what the rest of the machine used meanwhile.
func (r *benchResults) endPhase(phase string, c phaseClock) float64 {
	own, n, ok := c.stop(phase)
	if ok {
		r.Machine.Neighbours = append(r.Machine.Neighbours, n)
		r.Machine.Busy = r.Machine.Busy || n.busy()
	}
	return own
}

// neighboursLines reports the other work of every phase, and a warning
// when there was enough of it to lengthen the tails.
func neighboursLines(m benchMachine) []string {
	if len(m.Neighbours) == 0 {
		return nil
	}
	var other, steal, busy []string
	for _, n := range m.Neighbours {
		other = append(other, fmt.Sprintf("%s %.2f", n.Phase, n.OtherCores))
		steal = append(steal, fmt.Sprintf("%s %.3f", n.Phase, n.StealCores))
		if n.busy() {
			busy = append(busy, fmt.Sprintf("%s (%.2f and %.3f)", n.Phase, n.OtherCores, n.StealCores))
		}
	}
	lines := []string{
		"other work on the machine, in cores: " + strings.Join(other, ", "),
		"CPU time the hypervisor withheld (steal), in cores: " + strings.Join(steal, ", "),
	}
	if len(busy) > 0 {
		lines = append(lines, fmt.Sprintf("NOTE: the machine was not idle: other work took %.2f cores or more, or the hypervisor withheld %.2f or more, "+
			"during %s (other work and steal, in cores). The latencies measured then include waiting for a CPU; "+
			"run again on an idle machine before reading a FAIL as callcard's.",
			busyOtherCores, busyStealCores, strings.Join(busy, ", ")))
	}
	return lines
}
