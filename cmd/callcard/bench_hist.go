package main

import (
	"math/bits"
	"time"
)

// latencyHist is a fixed-size log-linear histogram of durations in
// nanoseconds, in the manner of HdrHistogram: values below 256 ns are
// exact, larger ones fall into one of 128 buckets per power of two, so any
// quantile is within 0.8% of the true value. Recording never allocates,
// which keeps the load generator's own garbage out of the figures. A
// histogram belongs to one goroutine; merge them when done.
type latencyHist struct {
	counts [histBuckets]uint64
	n      int64
	sum    int64
	max    int64
}

const (
	histSubBits = 7                // 128 buckets per power of two
	histSub     = 1 << histSubBits // 128
	histExact   = 2 * histSub      // values below this are their own bucket
	histMaxBits = 40               // values are capped at 2^40 ns, about 18 minutes
	histBuckets = histExact + (histMaxBits-histSubBits-1)*histSub
)

// histIndex is the bucket of v (ns, negative counted as 0).
func histIndex(v int64) int {
	v = min(v, 1<<histMaxBits-1)
	if v < histExact {
		return int(max(v, 0))
	}
	shift := bits.Len64(uint64(v)) - (histSubBits + 1) // >= 1
	top := int(v >> shift)                             // in [histSub, 2*histSub)
	return histExact + (shift-1)*histSub + top - histSub
}

// histUpper is the largest value that falls into bucket i.
func histUpper(i int) int64 {
	if i < histExact {
		return int64(i)
	}
	shift := (i-histExact)/histSub + 1
	top := int64((i-histExact)%histSub + histSub)
	return (top+1)<<shift - 1
}

func (h *latencyHist) record(d time.Duration) {
	v := int64(d)
	h.counts[histIndex(v)]++
	h.n++
	h.sum += v
	if v > h.max {
		h.max = v
	}
}

func (h *latencyHist) merge(o *latencyHist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile is the smallest bucket bound below which a fraction q of the
// values lie, never more than the largest value seen.
func (h *latencyHist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.999999)
	rank = min(max(rank, 1), h.n)
	var seen int64
	for i, c := range h.counts {
		seen += int64(c)
		if seen >= rank {
			return time.Duration(min(histUpper(i), h.max))
		}
	}
	return time.Duration(h.max)
}

// latencySummary is what the report shows of a histogram, in milliseconds.
type latencySummary struct {
	Count  int64   `json:"count"`
	MeanMs float64 `json:"mean_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P99Ms  float64 `json:"p99_ms"`
	P999Ms float64 `json:"p999_ms"`
	MaxMs  float64 `json:"max_ms"`
}

func (h *latencyHist) summary() latencySummary {
	s := latencySummary{Count: h.n, P50Ms: ms(h.quantile(0.50)), P99Ms: ms(h.quantile(0.99)),
		P999Ms: ms(h.quantile(0.999)), MaxMs: ms(time.Duration(h.max))}
	if h.n > 0 {
		s.MeanMs = ms(time.Duration(h.sum / h.n))
	}
	return s
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
