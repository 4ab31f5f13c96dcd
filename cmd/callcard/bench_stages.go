package main

import (
	"math"

	dto "github.com/prometheus/client_model/go"

	"github.com/callcard/callcard/api"
)

// benchStages is where the server's time went during the webhook phase, by
// stage of a call event, read from its own /metrics histograms. Those
// resolve to within a factor of about 1.5 (api's stage buckets), so the
// quantiles here are estimates, interpolated within a bucket.
type benchStages struct {
	// Recognise, Wait, Commit and Flush are per stored call event
	// (callcard_call_event_stage_seconds).
	Recognise stageQuantiles `json:"recognise"`
	Wait      stageQuantiles `json:"wait"`
	Commit    stageQuantiles `json:"commit"`
	Flush     stageQuantiles `json:"flush"`
	// Delivery is per event and screen, from publication to the flush of
	// the screen's stream (callcard_live_event_delivery_seconds).
	Delivery stageQuantiles `json:"delivery"`
	// GroupMean is the mean number of events per commit, seen from each event.
	GroupMean float64 `json:"group_mean"`
	// DiskFlushes is how many times the store flushed its WAL to disk during
	// the webhooks (crm.Store.DiskFlushes), and EventsPerFlush the events
	// stored meanwhile over that: how well the flushes were shared.
	DiskFlushes    uint64  `json:"disk_flushes"`
	EventsPerFlush float64 `json:"events_per_flush"`
}

type stageQuantiles struct {
	Count uint64  `json:"count"`
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
}

// readStages reads the stage histograms from m.
func readStages(m *api.Metrics) (benchStages, error) {
	families, err := m.Registry.Gather()
	if err != nil {
		return benchStages{}, err
	}
	var st benchStages
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			h := metric.GetHistogram()
			if h == nil {
				continue
			}
			switch f.GetName() {
			case "callcard_call_event_stage_seconds":
				q := quantilesOf(h)
				for _, l := range metric.GetLabel() {
					if l.GetName() != "stage" {
						continue
					}
					switch l.GetValue() {
					case "recognise":
						st.Recognise = q
					case "wait":
						st.Wait = q
					case "commit":
						st.Commit = q
					case "flush":
						st.Flush = q
					}
				}
			case "callcard_live_event_delivery_seconds":
				st.Delivery = quantilesOf(h)
			case "callcard_call_event_group_size":
				if h.GetSampleCount() > 0 {
					st.GroupMean = h.GetSampleSum() / float64(h.GetSampleCount())
				}
			}
		}
	}
	return st, nil
}

func quantilesOf(h *dto.Histogram) stageQuantiles {
	return stageQuantiles{Count: h.GetSampleCount(), P50Ms: 1000 * bucketQuantile(h, 0.50), P99Ms: 1000 * bucketQuantile(h, 0.99)}
}

// bucketQuantile estimates quantile q of h by linear interpolation within
// the bucket it falls in, as Prometheus's histogram_quantile does. Beyond
// the last bound it answers that bound.
func bucketQuantile(h *dto.Histogram, q float64) float64 {
	total := h.GetSampleCount()
	if total == 0 {
		return 0
	}
	rank := q * float64(total)
	lower, below := 0.0, uint64(0)
	for _, b := range h.GetBucket() {
		upper, count := b.GetUpperBound(), b.GetCumulativeCount()
		if math.IsInf(upper, 1) {
			break
		}
		if float64(count) >= rank {
			in := count - below
			if in == 0 {
				return upper
			}
			return lower + (upper-lower)*(rank-float64(below))/float64(in)
		}
		lower, below = upper, count
	}
	return lower
}
